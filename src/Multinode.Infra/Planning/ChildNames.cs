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
    /// <summary>One failure per pair of workloads whose children share a URN, on the later of the two; with
    /// <paramref name="physical"/> (<see cref="Targets.ITarget.ChildNamesArePhysical"/>) also children of one type and
    /// name planned by workloads of different kinds, which would be one object on the platform.</summary>
    public static IEnumerable<ValidationFailure> Collisions(IReadOnlyList<WorkloadPlan> plans, bool physical = false)
    {
        // By name first (names nearly always differ, and a string key is the dictionary's fastest), then by kind and
        // type among the few children that share a name.
        var count = 0;
        for (var p = 0; p < plans.Count; p++) count += plans[p].Resources.Count;
        var owners = new Dictionary<string, Owner>(count, StringComparer.Ordinal);
        var reported = new HashSet<(string, string)>();
        for (var p = 0; p < plans.Count; p++)
        {
            var plan = plans[p];
            for (var i = 0; i < plan.Resources.Count; i++)
            {
                var child = plan.Resources[i];
                var owner = owners.GetValueOrDefault(child.Name);
                while (owner is not null && !((physical || Equals(owner.Kind, plan.Workload.Kind)) &&
                                              string.Equals(owner.Type, child.Type, StringComparison.Ordinal)))
                    owner = owner.Next;
                if (owner is not null)
                {
                    if (owner.Workload.Label != plan.Workload.Label && reported.Add((owner.Workload.Label, plan.Workload.Label)))
                        yield return new ValidationFailure(plan.Workload.Label, "name",
                            $"name = \"{plan.Workload.Name}\" plans the child {child.Type} \"{child.Name}\", which {owner.Workload.Label} plans too; " +
                            (Equals(owner.Kind, plan.Workload.Kind)
                                ? "their URNs would be the same, which the engine refuses: rename one of the two"
                                : "both would be the one object of that name on the platform, each overwriting the other: rename one of the two"));
                    continue;
                }
                owners[child.Name] = new Owner(plan.Workload.Kind, child.Type, plan.Workload, owners.GetValueOrDefault(child.Name));
            }
        }
    }

    /// <summary>The workload that first planned a child of this kind, type and name; <see cref="Next"/> holds the
    /// owners of other children with the same name.</summary>
    private sealed record Owner(WorkloadKind Kind, string Type, Workload Workload, Owner? Next);
}
