using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

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

    /// <summary>Who plans each child of the admitted workloads, keyed as <see cref="ChildNames"/> keys them. The admitted
    /// workloads broke no rule together, so each key has one owner.</summary>
    private readonly Dictionary<(WorkloadKind? Kind, string Type, string Name), Workload> _owners = [];

    /// <summary>The admitted workloads' use at maximum scale, what <see cref="Budget"/> sums.</summary>
    private Use _total;

    private readonly Lock _gate = new();

    /// <summary>Every rule <paramref name="plans"/> break together.</summary>
    public static IReadOnlyList<ValidationFailure> Check(IReadOnlyList<WorkloadPlan> plans, ProviderConfig config) =>
        [.. ChildNames.Collisions(plans, config.Target.ChildNamesArePhysical), .. Budget.Check(plans, config)];

    /// <summary>Checks <paramref name="plan"/> together with the workloads admitted before it and admits it when
    /// it breaks no rule. A workload admitted again (a second preview step) replaces its earlier plan.</summary>
    /// <remarks>What it returns is <see cref="Check"/> of the admitted workloads with <paramref name="plan"/> last. A
    /// Construct must not cost more as the program grows, so a plan whose children no other admitted workload plans and
    /// which keeps every total clearly within its limit is admitted from the running index and totals; only a plan that
    /// may break a rule is checked with the whole program (which also words the failure).</remarks>
    public IReadOnlyList<ValidationFailure> Admit(WorkloadPlan plan, ProviderConfig config)
    {
        var label = plan.Workload.Label;
        lock (_gate)
        {
            _admitted.TryGetValue(label, out var earlier);
            var total = _total - Use.Of(earlier) + Use.Of(plan);
            if (SharesAChild(plan, config) || !total.ClearlyWithin(config))
            {
                var program = _admitted.Where(a => a.Key != label).Select(a => a.Value).Append(plan).ToList();
                var failures = Check(program, config);
                if (failures.Count > 0) return failures;
            }
            if (earlier is not null)
                foreach (var child in earlier.Resources)
                    _owners.Remove(Key(earlier, child, config));
            foreach (var child in plan.Resources)
                _owners.TryAdd(Key(plan, child, config), plan.Workload);
            _total = total;
            _admitted[label] = plan with
            {
                Resources = [.. plan.Resources.Select(r => new PlannedResource(r.Type, r.Name, PropertyMap.Empty, ResourceOptions.None))],
                Outputs = PropertyMap.Empty,
            };
            return [];
        }
    }

    /// <summary>Forgets <paramref name="plan"/>'s workload, admitted by <see cref="Admit"/> but not registered (the
    /// engine refused or did not answer): it counts toward no quota and holds no child name.</summary>
    public void Withdraw(WorkloadPlan plan, ProviderConfig config)
    {
        lock (_gate)
        {
            if (!_admitted.Remove(plan.Workload.Label, out var admitted)) return;
            foreach (var child in admitted.Resources)
                if (_owners.TryGetValue(Key(admitted, child, config), out var owner) && owner.Label == admitted.Workload.Label)
                    _owners.Remove(Key(admitted, child, config));
            _total -= Use.Of(admitted);
        }
    }

    /// <summary>Whether another admitted workload plans one of <paramref name="plan"/>'s children.</summary>
    private bool SharesAChild(WorkloadPlan plan, ProviderConfig config)
    {
        foreach (var child in plan.Resources)
            if (_owners.TryGetValue(Key(plan, child, config), out var owner) && owner.Label != plan.Workload.Label)
                return true;
        return false;
    }

    /// <summary>How <see cref="ChildNames"/> tells children apart: by kind, type and name, or by type and name alone
    /// where names are the platform's (<see cref="Targets.ITarget.ChildNamesArePhysical"/>).</summary>
    private static (WorkloadKind?, string, string) Key(WorkloadPlan plan, PlannedResource child, ProviderConfig config) =>
        (config.Target.ChildNamesArePhysical ? null : plan.Workload.Kind, child.Type, child.Name);

    /// <summary>Use at maximum scale summed over workloads, as <see cref="Budget"/> sums it; workloads without a price
    /// are counted.</summary>
    private readonly record struct Use(double Cpu, double Memory, double Gpus, double Cost, int Unpriced)
    {
        public static Use Of(WorkloadPlan? plan) => plan?.Summary is not { } s ? default :
            new(s.MaxCpu, s.MaxMemory.Bytes, s.MaxGpus, (double)(s.MaxHourlyCost ?? 0), s.MaxHourlyCost is null ? 1 : 0);

        public static Use operator +(Use a, Use b) =>
            new(a.Cpu + b.Cpu, a.Memory + b.Memory, a.Gpus + b.Gpus, a.Cost + b.Cost, a.Unpriced + b.Unpriced);

        public static Use operator -(Use a, Use b) =>
            new(a.Cpu - b.Cpu, a.Memory - b.Memory, a.Gpus - b.Gpus, a.Cost - b.Cost, a.Unpriced - b.Unpriced);

        /// <summary>Every total below its limit by more than a running sum can drift from <see cref="Budget"/>'s sum in
        /// order; a total nearer than that is left to <see cref="Budget"/>.</summary>
        public bool ClearlyWithin(ProviderConfig config)
        {
            static bool Below(double total, double? limit) => limit is not { } l || total < l - 1e-6 * Math.Max(1, Math.Abs(l));
            return Below(Cpu, config.Quotas.Cpu) && Below(Memory, config.Quotas.Memory?.Bytes) && Below(Gpus, config.Quotas.Gpu) &&
                (config.MaxHourlyCost is not { } budget || (Unpriced == 0 && Below(Cost, budget)));
        }
    }
}
