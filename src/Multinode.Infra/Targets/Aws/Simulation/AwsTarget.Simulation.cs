using Multinode.Infra.Planning;
using Multinode.Infra.Simulation;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>The AWS target's simulation model (docs/simulation.md): an Auto Scaling group with its planned policies,
/// alarms and workers (<see cref="AwsModel"/>), or the planned runs of a kind that does not scale with load.</summary>
public sealed partial class AwsTarget : ITargetSimulation
{
    (PlatformModel Model, WorkerPool Pool) ITargetSimulation.Model(WorkloadPlan plan, Signals signals, PlatformParameters p)
    {
        var w = plan.Workload;
        if (w is not IScalesWithLoad)
        {
            var platform = new RunPlatform(p.InstanceBootSeconds, p.ScheduledActionDelaySeconds, "the group's fixed size of 1",
                $"the scheduled action (fires {p.ScheduledActionDelaySeconds} s after its time)", "the instance ending itself after its run",
                "the scheduled action's delay and instance boot");
            return PlannedRunsModel.For(plan, signals, p, platform, w is IRunsOnSchedule ? ((ITargetSimulation)this).Schedule(plan) : null);
        }
        var scaling = PlannedScaling.Aws(plan);
        var pool = new WorkerPool(AwsModel.Initial(scaling));
        return (new AwsModel(signals, pool, scaling, p, w), pool);
    }

    /// <summary>The scheduled action <c>NAME-run</c>: its <c>recurrence</c> and <c>timeZone</c>.</summary>
    PlannedSchedule ITargetSimulation.Schedule(WorkloadPlan plan) => PlannedScaling.AwsSchedule(plan);
}
