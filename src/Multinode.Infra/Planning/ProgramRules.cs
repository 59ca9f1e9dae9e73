using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Planning;

/// <summary>
/// Rules over a whole program that no workload can break alone: unique child URNs (<see cref="ChildNames"/>), the
/// quotas and the budget (<see cref="Budget"/>). The one place they are checked: the CLI's planner passes every
/// workload at once (<see cref="Check"/>); the provider, which the engine asks to construct one component at a time,
/// checks each against the ones constructed before it (<see cref="Admit"/>), so both report the same failure.
/// </summary>
public sealed class ProgramRules
{
    /// <summary>Every workload admitted so far, by label, in the order first admitted: only what the rules read (the
    /// workload, its summary, its children's types and names), so memory grows by a summary per component.</summary>
    private readonly Dictionary<string, WorkloadPlan> _admitted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Every rule <paramref name="plans"/> break together.</summary>
    public static IReadOnlyList<ValidationFailure> Check(IReadOnlyList<WorkloadPlan> plans, ProviderConfig config) =>
        [.. ChildNames.Collisions(plans), .. Budget.Check(plans, config)];

    /// <summary>Checks <paramref name="plan"/> together with the workloads admitted before it and admits it when
    /// it breaks no rule. A workload admitted again (a second preview step) replaces its earlier plan.</summary>
    public IReadOnlyList<ValidationFailure> Admit(WorkloadPlan plan, ProviderConfig config)
    {
        var label = plan.Workload.Label;
        lock (_gate)
        {
            var program = _admitted.Where(a => a.Key != label).Select(a => a.Value).Append(plan).ToList();
            var failures = Check(program, config);
            if (failures.Count == 0)
            {
                _admitted[label] = plan with
                {
                    Resources = [.. plan.Resources.Select(r => new PlannedResource(r.Type, r.Name, PropertyMap.Empty, ResourceOptions.None))],
                    Outputs = PropertyMap.Empty,
                };
            }
            return failures;
        }
    }
}
