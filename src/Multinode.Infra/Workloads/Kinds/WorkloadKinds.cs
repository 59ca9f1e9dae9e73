using Multinode.Infra.Targets;

namespace Multinode.Infra.Workloads;

/// <summary>The workload kinds, listed once.</summary>
public static class WorkloadKinds
{
    public const string Package = "multinode";

    /// <summary>Every kind the provider offers, in schema order. Adding a kind: its definition under
    /// <c>Workloads/Kinds/</c>, one line here, one mapping per target (docs/architecture.md).</summary>
    public static IReadOnlyList<WorkloadKind> All { get; } =
        [FunctionKind.Instance, JobKind.Instance, ServiceKind.Instance, ScheduledTaskKind.Instance, DaemonKind.Instance];
}

/// <summary>The kinds and the targets that map them, as every path works from: validation, the planner, the schema,
/// the CLI (plan, diff, simulate), the plugin's Construct. The composition roots (the CLI's and the plugin's main) pass
/// <see cref="Default"/>; a test extends it with a kind of its own and that kind's target mappings
/// (<see cref="With"/>).</summary>
public sealed class KindRegistry
{
    public static KindRegistry Default { get; } = new(WorkloadKinds.All, TargetList.All);

    public KindRegistry(IEnumerable<WorkloadKind> kinds, IEnumerable<ITarget> targets)
    {
        All = [.. kinds];
        Targets = [.. targets];
        if (All.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"two kinds are named {twice.Key}", nameof(kinds));
    }

    /// <summary>The kinds, in schema order.</summary>
    public IReadOnlyList<WorkloadKind> All { get; }

    /// <summary>The targets, each with its table of kind → mapping, in config order.</summary>
    public IReadOnlyList<ITarget> Targets { get; }

    /// <summary>The tokens of <see cref="All"/>, in order.</summary>
    public IEnumerable<string> Tokens => All.Select(k => k.Token);

    public WorkloadKind? FromToken(string token) => All.FirstOrDefault(k => k.Token == token);

    /// <summary>The kind named <paramref name="name"/> (<c>Function</c>).</summary>
    public WorkloadKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name) ?? throw new ArgumentException($"no kind is named {name}", nameof(name));

    /// <summary>The target written <paramref name="name"/> in config; null for no such target.</summary>
    public ITarget? Target(string? name) => Targets.FirstOrDefault(t => t.Name == name);

    /// <summary>These kinds and <paramref name="kind"/>, which each target of <paramref name="mappings"/> maps as
    /// given (<see cref="ITarget.With"/>); a target without one refuses it by name.</summary>
    public KindRegistry With(WorkloadKind kind, params IKindMapping[] mappings)
    {
        var unknown = mappings.FirstOrDefault(m => Target(m.Target) is null);
        if (unknown is not null) throw new ArgumentException($"no target is named {unknown.Target}", nameof(mappings));
        return new([.. All, kind],
            Targets.Select(t => mappings.Where(m => m.Target == t.Name).Aggregate(t, (to, m) => to.With(kind, m))));
    }
}
