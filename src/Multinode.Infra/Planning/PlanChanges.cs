using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>What happens to one child resource between two plans, by the rules the engine uses.</summary>
public enum ChangeKind
{
    Same,
    Create,
    Update,
    Replace,
    Delete,
}

/// <summary>What happens to one workload between two plans.</summary>
public enum WorkloadStatus
{
    Unchanged,
    Changed,
    Added,
    Removed,

    /// <summary>Removed under one name and added under another with the same declaration: all children replaced.</summary>
    Renamed,
}

/// <summary>One leaf value that differs; null on a side where the path does not exist.</summary>
public sealed record PropertyChange(string Path, PropertyValue? Before, PropertyValue? After);

/// <summary>One child resource's change, the changed input paths and which of them force replacement.</summary>
public sealed record ResourceChange(string Type, string Name, ChangeKind Kind, IReadOnlyList<PropertyChange> Changes,
    IReadOnlyList<string> ReplacedBy)
{
    /// <summary>Why the child is replaced, path by path: "`spec.selector` is immutable" where the platform's API
    /// refuses to update the field (the target's replace table), "`port` changed" where the provider
    /// replaces for it; empty when the child is not replaced.</summary>
    public string ReplaceReason => string.Join(", ", ReplacedBy.Select(path =>
        Immutable.Contains(path, StringComparer.Ordinal) ? $"`{path}` is immutable" : $"`{path}` changed"));

    /// <summary>The child's paths that its platform refuses to update in place (<see
    /// cref="ResourceOptions.ImmutablePaths"/>).</summary>
    public IReadOnlyList<string> Immutable { get; init; } = [];
}

/// <summary>One workload's settings and children, before and after.</summary>
public sealed record WorkloadDiff(string Name, WorkloadKind Kind, WorkloadStatus Status, string? RenamedFrom,
    IReadOnlyList<PropertyChange> Settings, IReadOnlyList<ResourceChange> Resources, WorkloadPlan? Before, WorkloadPlan? After)
{
    private readonly IReadOnlyList<ResourceChange> _resources = Resources;
    private readonly int[] _counts = CountKinds(Resources);

    /// <summary>Each child's change: children of the head side in order, then the deleted ones.</summary>
    public IReadOnlyList<ResourceChange> Resources
    {
        get => _resources;
        init
        {
            _resources = value;
            _counts = CountKinds(value);
        }
    }

    /// <summary>Children with this change, counted once when the diff is made.</summary>
    public int Count(ChangeKind kind) => _counts[(int)kind];

    internal static int[] CountKinds(IEnumerable<ResourceChange> resources)
    {
        var counts = new int[Enum.GetValues<ChangeKind>().Length];
        foreach (var r in resources) counts[(int)r.Kind]++;
        return counts;
    }
}
