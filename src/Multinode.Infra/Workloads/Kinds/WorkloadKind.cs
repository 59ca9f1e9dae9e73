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

/// <summary>One of a kind's own inputs, declared once: its spec (name, type, default, limits, description) bound to the
/// record property that holds its value. The kind reads the checked value through it (<c>MaxWorkers.Read(reader)</c>)
/// and <see cref="Workload.Settings"/> reads it back from the record, so its name is written only in its spec.</summary>
public abstract record KindInput<TWorkload>(InputSpec Spec) where TWorkload : Workload
{
    /// <summary>The resolved value, read back from the record.</summary>
    public abstract PropertyValue? Setting(TWorkload workload);
}

/// <summary>A whole-number input bound to an <c>int</c> property of the record.</summary>
public sealed record IntegerInput<TWorkload>(InputSpec Spec, Func<TWorkload, int> Get) : KindInput<TWorkload>(Spec)
    where TWorkload : Workload
{
    public override PropertyValue? Setting(TWorkload workload) => Get(workload);

    /// <summary>The value when it passed its checks (what cross-field rules compare), else null.</summary>
    public int? Valid(InputReader reader) => reader.Integer(Spec.Name);

    /// <summary>The value of inputs that passed every check (default filled in).</summary>
    public int Read(InputReader reader) => Valid(reader)!.Value;
}

/// <summary>A number input bound to a <c>double</c> property of the record.</summary>
public sealed record NumberInput<TWorkload>(InputSpec Spec, Func<TWorkload, double> Get) : KindInput<TWorkload>(Spec)
    where TWorkload : Workload
{
    public override PropertyValue? Setting(TWorkload workload) => Get(workload);

    public double Read(InputReader reader) => reader.Number(Spec.Name)!.Value;
}

/// <summary>A known string input bound to a <c>string</c> property of the record.</summary>
public sealed record TextInput<TWorkload>(InputSpec Spec, Func<TWorkload, string> Get) : KindInput<TWorkload>(Spec)
    where TWorkload : Workload
{
    public override PropertyValue? Setting(TWorkload workload) => Get(workload);

    public string Read(InputReader reader) => reader.String(Spec.Name)!;
}

/// <summary>An input kept as given (it may be unknown or secret, or absent), bound to a <see cref="PropertyValue"/>
/// property of the record.</summary>
public sealed record ValueInput<TWorkload>(InputSpec Spec, Func<TWorkload, PropertyValue?> Get) : KindInput<TWorkload>(Spec)
    where TWorkload : Workload
{
    public override PropertyValue? Setting(TWorkload workload) => Get(workload);

    public PropertyValue? Read(InputReader reader) => reader.Get(Spec.Name);
}

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

    /// <summary>A whole-number input bound to <paramref name="get"/>.</summary>
    protected static IntegerInput<TWorkload> Integer(InputSpec spec, Func<TWorkload, int> get) => new(spec, get);

    /// <summary>A number input bound to <paramref name="get"/>.</summary>
    protected static NumberInput<TWorkload> Number(InputSpec spec, Func<TWorkload, double> get) => new(spec, get);

    /// <summary>A known string input bound to <paramref name="get"/>.</summary>
    protected static TextInput<TWorkload> Text(InputSpec spec, Func<TWorkload, string> get) => new(spec, get);

    /// <summary>An input kept as given, bound to <paramref name="get"/>.</summary>
    protected static ValueInput<TWorkload> Value(InputSpec spec, Func<TWorkload, PropertyValue?> get) => new(spec, get);

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
