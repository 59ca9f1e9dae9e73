using Multinode.Infra.Planning;

namespace Multinode.Infra.Simulation;

/// <summary>
/// What a target definition supplies to <c>multinode simulate</c>: the platform model of each planned workload and
/// the schedule of one that runs on a schedule, both read from the target's own planned children. The simulator knows
/// targets only through this (docs/simulation.md, "Models"); a target without it cannot be simulated and says so.
/// </summary>
internal interface ITargetSimulation
{
    /// <summary>The platform model and worker pool of <paramref name="plan"/>; a workload whose capabilities the target
    /// has no model for is an error naming its kind.</summary>
    (PlatformModel Model, WorkerPool Pool) Model(WorkloadPlan plan, Signals signals, PlatformParameters p);

    /// <summary>The planned schedule of a workload that runs on one.</summary>
    PlannedSchedule Schedule(WorkloadPlan plan);
}

internal static class TargetSimulation
{
    public static ITargetSimulation Of(Targets.ITarget target) => target as ITargetSimulation
        ?? throw new InvalidOperationException($"target {target.Name} supplies no simulation model");
}
