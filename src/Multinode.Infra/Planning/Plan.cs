using Multinode.Infra.Configuration;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>Pulumi resource options a planned child carries.</summary>
public sealed record ResourceOptions
{
    public static readonly ResourceOptions None = new();

    /// <summary>Input paths whose change replaces the resource (as the upstream provider would, made explicit).</summary>
    public IReadOnlyList<string> ReplaceOnChanges { get; init; } = [];

    /// <summary>Of <see cref="ReplaceOnChanges"/>, the paths the platform's API refuses to update in place (a diff
    /// says "is immutable" for them); the target sets them from its replace table.</summary>
    public IReadOnlyList<string> ImmutablePaths { get; init; } = [];

    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];

    public bool DeleteBeforeReplace { get; init; }

    public IReadOnlyList<string> AdditionalSecretOutputs { get; init; } = [];
}

/// <summary>
/// One child resource to register: a type token such as <c>aws:autoscaling/group:Group</c>, a logical name
/// derived only from the declaration, and its inputs. References to other children are
/// <see cref="ReferenceValue"/>s inside the inputs; <see cref="DependsOn"/> lists them and any explicit ordering.
/// </summary>
public sealed record PlannedResource(string Type, string Name, PropertyMap Inputs, ResourceOptions Options)
{
    // Computed on first read, cleared by every init of what it derives from (so a copy made with `with` never keeps
    // the original's), and no part of the record's equality.
    private Derived _derived;

    public PropertyMap Inputs
    {
        get;
        init { field = value; _derived = default; }
    } = Inputs;

    /// <summary>The planned children this one must wait for: every child its inputs refer to (as
    /// <see cref="PropertyValue.References"/> lists them), then <see cref="ExtraDependsOn"/>, each name once, in order of
    /// first appearance.</summary>
    public IReadOnlyList<string> DependsOn => Walked.DependsOn;

    /// <summary>The children its inputs refer to, in order of first appearance (<see cref="PropertyValue.References"/>
    /// of the inputs), without <see cref="ExtraDependsOn"/>: whose changes reach this child.</summary>
    public IReadOnlyList<string> InputReferences => Walked.References;

    /// <summary>Whether an input is or holds an unknown (<see cref="PropertyValue.ContainsUnknown"/>): a diff of a child
    /// against itself finds a change only there.</summary>
    public bool InputsHoldUnknown => Walked.Unknown;

    /// <summary>Ordering that no input reference expresses.</summary>
    public IReadOnlyList<string> ExtraDependsOn
    {
        get;
        init { field = value; _derived = default; }
    } = [];

    /// <summary>Outputs that take a new value whenever this resource is updated in place (a launch template's
    /// <c>latestVersion</c>), so that a diff follows the change to the children reading them. A replaced resource
    /// changes every output.</summary>
    public IReadOnlyList<string> UpdatedOutputs { get; init; } = [];

    /// <summary>The Pulumi package that owns <see cref="Type"/> ("aws", "kubernetes").</summary>
    public string Package => Type[..Type.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>What one walk of the inputs gives, made on first read: a plan and a diff ask it of every child, from
    /// any thread (one reference written at once; two threads at worst walk twice and agree).</summary>
    private Walk Walked => _derived.Walk ??= Walk.Of(Inputs, ExtraDependsOn);

    private sealed class Walk(string[] references, string[] dependsOn, bool unknown)
    {
        public string[] References { get; } = references;
        public string[] DependsOn { get; } = dependsOn;
        public bool Unknown { get; } = unknown;

        public static Walk Of(PropertyMap inputs, IReadOnlyList<string> extra)
        {
            List<string>? names = null;
            var unknown = false;
            foreach (var (_, value) in inputs) unknown |= value.Walk(ref names);
            string[] references = names is null ? [] : [.. names];
            if (extra.Count == 0) return new Walk(references, references, unknown);
            for (var i = 0; i < extra.Count; i++) PropertyValue.AddReference(ref names, extra[i]);
            return new Walk(references, [.. names!], unknown);
        }
    }

    /// <summary>A cache that every two records share in equality and hashing.</summary>
    private struct Derived : IEquatable<Derived>
    {
        public Walk? Walk;

        public readonly bool Equals(Derived other) => true;

        public override readonly bool Equals(object? obj) => obj is Derived;

        public override readonly int GetHashCode() => 0;
    }
}

/// <summary>Facts about a workload's plan that people want next to it: cost and capacity at maximum scale.</summary>
public sealed record PlanSummary
{
    /// <summary>Workers at maximum scale.</summary>
    public int MaxWorkers { get; init; }

    /// <summary>vCPUs, memory and GPUs requested at maximum scale.</summary>
    public double MaxCpu { get; init; }
    public Memory MaxMemory { get; init; } = new(0);
    public int MaxGpus { get; init; }

    /// <summary>Worst-case on-demand USD per hour at maximum scale, when the target can price it.</summary>
    public decimal? MaxHourlyCost { get; init; }

    /// <summary>On-demand USD per worker-hour: an instance's price on AWS, a worker's share of its node on Kubernetes.
    /// What simulated worker-seconds cost.</summary>
    public decimal? WorkerHourlyCost { get; init; }

    /// <summary>Further facts as label/value pairs, in display order (e.g. instance type and its price).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Facts { get; init; } = [];
}

/// <summary>The plan of one workload: its component outputs and its children, in registration order.</summary>
public sealed record WorkloadPlan(
    Workload Workload, IReadOnlyList<PlannedResource> Resources, PropertyMap Outputs, PlanSummary Summary)
{
    /// <summary>What the target found worth a look in this workload's plan (e.g. idle GPUs on AWS); the plan's
    /// <see cref="Plan.Warnings"/> include them, and a diff shows those of the workloads it changes.</summary>
    public IReadOnlyList<Validation.ValidationFailure> Warnings { get; init; } = [];
}

/// <summary>A whole program's plan. Same input, byte-identical plan. Its totals are computed once, here: printers and
/// the JSON writer only format them.</summary>
public sealed record Plan
{
    private readonly IReadOnlyList<WorkloadPlan> _workloads = [];

    public Plan(ProviderConfig config, IReadOnlyList<WorkloadPlan> workloads)
    {
        Config = config;
        Workloads = workloads;
    }

    public ProviderConfig Config { get; init; }

    public IReadOnlyList<WorkloadPlan> Workloads
    {
        get => _workloads;
        init
        {
            _workloads = value;
            Totals = Total(value);
            ResourceCount = value.Sum(w => w.Resources.Count);
        }
    }

    /// <summary>Capacity and cost of every workload at maximum scale together; a cost only when every workload has one.</summary>
    public PlanSummary Totals { get; private init; } = new();

    /// <summary>Child resources over all workloads.</summary>
    public int ResourceCount { get; private init; }

    /// <summary>What is planned but worth a look (see <see cref="Validation.Result{T}.Warnings"/>), in declaration order.</summary>
    public IReadOnlyList<Validation.ValidationFailure> Warnings { get; init; } = [];

    /// <summary>Where the plan's cost figures come from and what they assume.</summary>
    public string PricingNote => Pricing.Note(Config);

    private static PlanSummary Total(IReadOnlyList<WorkloadPlan> workloads)
    {
        int workers = 0, gpus = 0;
        double cpu = 0;
        long memory = 0;
        decimal? cost = workloads.Count > 0 ? 0m : null;
        foreach (var s in workloads.Select(w => w.Summary))
        {
            workers += s.MaxWorkers;
            cpu += s.MaxCpu;
            memory += s.MaxMemory.Bytes;
            gpus += s.MaxGpus;
            cost = cost is { } sum && s.MaxHourlyCost is { } c ? sum + c : null;
        }
        return new PlanSummary { MaxWorkers = workers, MaxCpu = cpu, MaxMemory = new Memory(memory), MaxGpus = gpus, MaxHourlyCost = cost };
    }
}

/// <summary>What every cost figure is: an on-demand estimate from the dated instance catalog.</summary>
public static class Pricing
{
    /// <summary>"on-demand, us-east-1, catalog 2025-05-01".</summary>
    public static string Basis => $"on-demand, {Catalog.InstanceCatalog.Default.Region}, catalog {Catalog.InstanceCatalog.Default.Date}";

    /// <summary>An hourly cost as the estimate it is: "≈ $1.23/h (on-demand, us-east-1, catalog 2025-05-01)".</summary>
    public static string Estimate(decimal perHour) => $"≈ {Numbers.Dollars(decimal.Round(perHour, 4))}/h ({Basis})";

    /// <summary>Where a program's cost figures come from and what they assume on its target.</summary>
    public static string Note(ProviderConfig config) => config.Target.PricingNote(Catalog.InstanceCatalog.Default);
}
