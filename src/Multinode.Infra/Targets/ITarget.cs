using Multinode.Infra.Catalog;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets;

/// <summary>
/// Where workloads are deployed, as one definition: its name in config, its config block and typed config, the
/// Pulumi package its children belong to, the basis of its prices, and its table of kind → mapping (what each
/// workload kind becomes there; <see cref="With"/> adds one). The planner, the CLI and the provider know targets only
/// through this interface and a <see cref="KindRegistry"/> (by default <see cref="TargetList.All"/>); adding a target
/// is a new implementation listed there (docs/architecture.md).
/// </summary>
public interface ITarget
{
    /// <summary>The target as written in config: <c>multinode:target = aws</c>.</summary>
    string Name { get; }

    /// <summary>Its settings block, <c>multinode:&lt;Name&gt;</c>: keys, types, defaults, limits and docs.</summary>
    InputSpec ConfigSpec { get; }

    /// <summary>The Pulumi package every child belongs to, and the version children are registered with.</summary>
    ChildPackage ChildPackage { get; }

    /// <summary>Whether a child's logical name is also its name on the platform (a Kubernetes object's metadata.name in
    /// the namespace): then two children of one type and name are one object whichever workload kinds plan them, not
    /// only when their URNs match (<see cref="Planning.ChildNames"/>).</summary>
    bool ChildNamesArePhysical => false;

    /// <summary>Checks the rules of its block that <see cref="ConfigSpec"/> cannot state (each failure on
    /// <paramref name="reader"/>) and, when it is the <paramref name="chosen"/> target and every check passed, returns
    /// its typed config. Every target's block is checked, chosen or not.</summary>
    TargetConfig? ReadConfig(InputReader reader, PropertyMap given, bool chosen);

    /// <summary>Its block's keys when the whole block is unknown (preview: an explicit provider whose settings come from
    /// other resources' outputs), each unknown and made of <paramref name="block"/>; null when the block decides the
    /// shape of the plan and so must be known (then validation says so).</summary>
    PropertyMap? UnknownSettings(PropertyValue block) => null;

    /// <summary>What every cost figure rests on, said next to the costs.</summary>
    string PricingNote(InstanceCatalog catalog);

    /// <summary>Rules of the target over validated workloads with its config (e.g. a Service on AWS needs two subnets).</summary>
    IEnumerable<ValidationFailure> Check(IReadOnlyList<Workload> workloads, ProviderConfig config);

    /// <summary>The plan of one validated workload, or failures the target alone can find (e.g. no instance type
    /// fits the request, or a kind it does not plan). Called for many workloads at once (the planner uses every core on
    /// a large program): it must depend on its arguments alone and share no mutable state between calls.</summary>
    Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config);

    /// <summary>This target with <paramref name="mapping"/> (one of its own mapping type, for this target's
    /// <see cref="IKindMapping.Target"/>) as what <paramref name="kind"/> becomes: its table of kind → mapping
    /// extended, itself unchanged.</summary>
    ITarget With(WorkloadKind kind, IKindMapping mapping);
}

/// <summary>What one workload kind becomes on one target: an entry of that target's table of kind → mapping
/// (<c>AwsMapping</c>, <c>KubernetesMapping</c>).</summary>
public interface IKindMapping
{
    /// <summary>The <see cref="ITarget.Name"/> of the target it maps for.</summary>
    string Target { get; }
}

/// <summary>A target's table of kind → mapping.</summary>
public static class KindMappings
{
    /// <summary><paramref name="table"/> with <paramref name="mapping"/> for <paramref name="kind"/>, which it must
    /// not map already; <paramref name="mapping"/> must be <paramref name="target"/>'s own mapping type.</summary>
    public static IReadOnlyDictionary<WorkloadKind, TMapping> With<TMapping>(ITarget target,
        IReadOnlyDictionary<WorkloadKind, TMapping> table, WorkloadKind kind, IKindMapping mapping)
        where TMapping : IKindMapping
    {
        if (mapping is not TMapping own || own.Target != target.Name)
            throw new ArgumentException($"target {target.Name} maps kinds with a {typeof(TMapping).Name}, " +
                $"not a {mapping.GetType().Name} for target {mapping.Target}", nameof(mapping));
        if (table.ContainsKey(kind))
            throw new ArgumentException($"target {target.Name} maps kind {kind} already", nameof(kind));
        return new Dictionary<WorkloadKind, TMapping>(table) { [kind] = own };
    }

    /// <summary>The failure of a workload whose kind <paramref name="target"/> has no mapping for.</summary>
    public static ValidationFailure NotPlanned(ITarget target, Workload workload) =>
        new(workload.Label, "type", $"target {target.Name} does not plan kind {workload.Kind}");
}

/// <summary>The Pulumi package a target's children belong to (the part of their type token before the first ':')
/// and the plugin version they are registered with, so that the engine loads the provider whose input shapes the
/// target was written against. Keep it in step with the SDK version the type-check tests lock
/// (tests/typecheck/package.json).</summary>
public sealed record ChildPackage(string Name, string Version);

/// <summary>A target's typed settings, read from its <see cref="ITarget.ConfigSpec"/> block.</summary>
public abstract record TargetConfig
{
    /// <summary>The settings as the keys a program writes (<c>aws.subnetIds</c>), absent ones left out: what a diff
    /// of two configs compares.</summary>
    public abstract IEnumerable<KeyValuePair<string, PropertyValue>> Settings();
}

/// <summary>Every target, listed once: config, schema, planner, CLI and provider take them from here.</summary>
public static class TargetList
{
    public static readonly IReadOnlyList<ITarget> All = [Aws.AwsTarget.Default, Kubernetes.KubernetesTarget.Default];

    /// <summary>The target written <paramref name="name"/> in config; null for no such target.</summary>
    public static ITarget? Named(string? name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The target whose children belong to <paramref name="package"/>; null for none.</summary>
    public static ChildPackage? Package(string package) =>
        All.Select(t => t.ChildPackage).FirstOrDefault(p => p.Name == package);
}

/// <summary>The part of every target's <see cref="ITarget.PricingNote"/> that is the same for all.</summary>
public static class PricingNotes
{
    public static string WorstCase(InstanceCatalog catalog) =>
        $"Costs are worst-case (every workload at its maximum), on-demand, {catalog.Region}, from the instance catalog dated {catalog.Date}";
}
