using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>
/// One workload kind, defined in one place: its name and token, description, inputs (with type, default, limits and
/// description), cross-field rules, warnings, outputs and the typed record it binds to. Validation
/// (<see cref="WorkloadReader"/>), the schema, <see cref="Workload.Settings"/>, plan JSON and the docs' input tables
/// all derive from it. The kinds are listed once, in <see cref="WorkloadKinds.All"/>.
/// </summary>
public abstract class WorkloadKind
{
    private IReadOnlyList<InputSpec>? _inputs;

    /// <summary>The kind's name: <c>Function</c>; what messages and the token use.</summary>
    public abstract string Name { get; }

    /// <summary>The component resource token: <c>multinode:index:Function</c>.</summary>
    public string Token => $"{WorkloadKinds.Package}:index:{Name}";

    /// <summary>What the kind does, as the schema describes it.</summary>
    public abstract string Description { get; }

    /// <summary>Every input, in schema order: the common ones (<see cref="WorkloadInputs.CommonOf"/>), then the
    /// kind's own.</summary>
    public IReadOnlyList<InputSpec> Inputs =>
        _inputs ??= [.. WorkloadInputs.CommonOf(Has<IQueueWorkload>()), .. OwnInputs];

    /// <summary>The kind's own inputs, in schema order.</summary>
    public abstract IReadOnlyList<InputSpec> OwnInputs { get; }

    /// <summary>The outputs the component publishes and every target's plan fills.</summary>
    public abstract IReadOnlyList<InputSpec> Outputs { get; }

    /// <summary>The record a valid declaration binds to.</summary>
    public abstract Type RecordType { get; }

    /// <summary>True when the kind's record has the capability <typeparamref name="TCapability"/> (e.g. <see cref="ILoadBalanced"/>).</summary>
    public bool Has<TCapability>() => typeof(TCapability).IsAssignableFrom(RecordType);

    /// <summary>Rules that relate two inputs; called after every input was checked, and reads only valid values.</summary>
    public virtual void CheckRules(InputReader reader) { }

    /// <summary>Binds the checked inputs (no failures) to the kind's record.</summary>
    public abstract Workload Bind(string name, Container container, ResourceRequest resources, InputReader reader);

    /// <summary>What is planned other than as written, or never runs.</summary>
    public abstract IEnumerable<ValidationFailure> Warnings(InputReader reader, Workload workload);

    /// <summary>The kind's own resolved settings, in schema order (null ones are left out).</summary>
    public abstract IEnumerable<(string, PropertyValue?)> Settings(Workload workload);

    public override string ToString() => Name;
}

/// <summary>One of a kind's own inputs and how to read its resolved value back from the record (for
/// <see cref="Workload.Settings"/>).</summary>
public sealed record KindInput<TWorkload>(InputSpec Spec, Func<TWorkload, PropertyValue?> Setting) where TWorkload : Workload;

/// <summary>A kind bound to its record type <typeparamref name="TWorkload"/>.</summary>
public abstract class WorkloadKind<TWorkload> : WorkloadKind where TWorkload : Workload
{
    private IReadOnlyList<InputSpec>? _own;

    /// <summary>The kind's own inputs with their settings, in schema order.</summary>
    protected abstract IReadOnlyList<KindInput<TWorkload>> Declare();

    private IReadOnlyList<KindInput<TWorkload>>? _declared;
    private IReadOnlyList<KindInput<TWorkload>> Declared => _declared ??= Declare();

    public sealed override IReadOnlyList<InputSpec> OwnInputs => _own ??= [.. Declared.Select(i => i.Spec)];

    public sealed override Type RecordType => typeof(TWorkload);

    /// <summary>Shorthand for one declared input.</summary>
    protected static KindInput<TWorkload> Input(InputSpec spec, Func<TWorkload, PropertyValue?> setting) => new(spec, setting);

    public sealed override Workload Bind(string name, Container container, ResourceRequest resources, InputReader reader) =>
        Read(name, container, resources, reader);

    /// <summary>The record, from inputs that passed every check.</summary>
    protected abstract TWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader);

    public sealed override IEnumerable<ValidationFailure> Warnings(InputReader reader, Workload workload) =>
        Warnings(reader, (TWorkload)workload);

    /// <summary>The kind's own warnings; none by default.</summary>
    protected virtual IEnumerable<ValidationFailure> Warnings(InputReader reader, TWorkload workload) => [];

    public sealed override IEnumerable<(string, PropertyValue?)> Settings(Workload workload) =>
        Declared.Select(i => (i.Spec.Name, i.Setting((TWorkload)workload)));
}
