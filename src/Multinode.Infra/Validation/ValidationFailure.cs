namespace Multinode.Infra.Validation;

/// <summary>One problem with the input: which resource, which property path, and what is wrong and allowed.</summary>
/// <param name="Resource">How the resource is named to people, e.g. <c>Function "square"</c>.</param>
/// <param name="Path">The property path, e.g. <c>resources.gpu.count</c>; empty for the resource itself.</param>
/// <param name="Message">The whole sentence after the resource, naming the path and the value.</param>
public sealed record ValidationFailure(string Resource, string Path, string Message)
{
    public override string ToString() => $"{Resource}: {Message}";
}

/// <summary>Either a value or every failure found while producing it.</summary>
public sealed record Result<T>(T? Value, IReadOnlyList<ValidationFailure> Failures) where T : class
{
    public bool IsValid => Failures.Count == 0 && Value is not null;

    /// <summary>What is planned but worth a look (a schedule that never fires, a renamed time zone): shown by the
    /// CLI and logged by the provider at warning level, never failing anything.</summary>
    public IReadOnlyList<ValidationFailure> Warnings { get; init; } = [];

    public static Result<T> Ok(T value) => new(value, []);
    public static Result<T> Fail(IReadOnlyList<ValidationFailure> failures) => new(null, failures);

    public Result<TOut> Then<TOut>(Func<T, Result<TOut>> next) where TOut : class =>
        IsValid ? next(Value!) : Result<TOut>.Fail(Failures);
}
