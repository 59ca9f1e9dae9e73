using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>
/// A child's URN is its parent's type chain, its own type and its logical name, and the engine refuses two resources
/// with one URN. Children are named <c>&lt;workload&gt;-&lt;suffix&gt;</c>, so two workloads of the same kind can plan
/// the same one (Services <c>api</c> and <c>api-lb</c> both plan the security group <c>api-lb-sg</c> on AWS). Renaming
/// every child to rule that out would replace every deployed resource, so such a pair is refused instead, naming
/// both workloads (docs/errors.md).
/// </summary>
public static class ChildNames
{
    /// <summary>One failure per pair of workloads whose children share a URN, on the later of the two.</summary>
    public static IEnumerable<ValidationFailure> Collisions(IReadOnlyList<WorkloadPlan> plans)
    {
        var owners = new Dictionary<(WorkloadKind Kind, string Type, string Name), Workload>(plans.Sum(p => p.Resources.Count), Urn.Instance);
        var reported = new HashSet<(string, string)>();
        foreach (var plan in plans)
        {
            for (var i = 0; i < plan.Resources.Count; i++)
            {
                var child = plan.Resources[i];
                var key = (plan.Workload.Kind, child.Type, child.Name);
                if (owners.TryGetValue(key, out var owner))
                {
                    if (owner.Name != plan.Workload.Name && reported.Add((owner.Name, plan.Workload.Name)))
                        yield return new ValidationFailure(plan.Workload.Label, "name",
                            $"name = \"{plan.Workload.Name}\" plans the child {child.Type} \"{child.Name}\", which {owner.Label} plans too; " +
                            "their URNs would be the same, which the engine refuses: rename one of the two");
                    continue;
                }
                owners[key] = plan.Workload;
            }
        }
    }

    /// <summary>The key of a URN as a child makes it: equal when kind, type and name are; hashed by the name alone, which
    /// tells nearly all children apart at a fraction of the cost of hashing the long type tokens too.</summary>
    private sealed class Urn : IEqualityComparer<(WorkloadKind Kind, string Type, string Name)>
    {
        public static readonly Urn Instance = new();

        public bool Equals((WorkloadKind Kind, string Type, string Name) x, (WorkloadKind Kind, string Type, string Name) y) =>
            Equals(x.Kind, y.Kind) && string.Equals(x.Name, y.Name, StringComparison.Ordinal) &&
            string.Equals(x.Type, y.Type, StringComparison.Ordinal);

        public int GetHashCode((WorkloadKind Kind, string Type, string Name) key) => StringComparer.Ordinal.GetHashCode(key.Name);
    }
}
