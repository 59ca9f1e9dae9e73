namespace Multinode.Infra.Workloads;

/// <summary>The workload kinds, listed once.</summary>
public static class WorkloadKinds
{
    public const string Package = "multinode";

    /// <summary>Every kind the provider offers, in schema order. Adding a kind: its definition under
    /// <c>Workloads/Kinds/</c>, one line here, one mapping per target (docs/architecture.md).</summary>
    public static IReadOnlyList<WorkloadKind> All { get; } =
        [FunctionKind.Instance, JobKind.Instance, ServiceKind.Instance, ScheduledTaskKind.Instance, DaemonKind.Instance];

    /// <summary>The kind whose token is <paramref name="token"/> among <see cref="All"/>; null when none.</summary>
    public static WorkloadKind? FromToken(string token) => KindRegistry.Default.FromToken(token);
}

/// <summary>A set of kinds the planner, validation and schema work from: <see cref="Default"/> in the product; tests
/// extend it with a kind of their own (<see cref="With"/>).</summary>
public sealed class KindRegistry
{
    public static KindRegistry Default { get; } = new(WorkloadKinds.All);

    public KindRegistry(IEnumerable<WorkloadKind> kinds)
    {
        All = [.. kinds];
        if (All.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"two kinds are named {twice.Key}", nameof(kinds));
    }

    /// <summary>The kinds, in schema order.</summary>
    public IReadOnlyList<WorkloadKind> All { get; }

    /// <summary>The tokens of <see cref="All"/>, in order.</summary>
    public IEnumerable<string> Tokens => All.Select(k => k.Token);

    public WorkloadKind? FromToken(string token) => All.FirstOrDefault(k => k.Token == token);

    /// <summary>The kind named <paramref name="name"/> (<c>Function</c>).</summary>
    public WorkloadKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name) ?? throw new ArgumentException($"no kind is named {name}", nameof(name));

    /// <summary>These kinds and <paramref name="kind"/>.</summary>
    public KindRegistry With(WorkloadKind kind) => new([.. All, kind]);
}
