using Multinode.Infra.Planning;
using Multinode.Infra.Simulation;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>The Kubernetes target's simulation model (docs/simulation.md): KEDA ScaledJob, KEDA ScaledObject with
/// its HPA, a CPU HPA, or the planned runs of a kind that does not scale with load — by the children the plan holds.</summary>
public sealed partial class KubernetesTarget : ITargetSimulation
{
    (PlatformModel Model, WorkerPool Pool) ITargetSimulation.Model(WorkloadPlan plan, Signals signals, PlatformParameters p)
    {
        var w = plan.Workload;
        if (w is not IScalesWithLoad)
        {
            var platform = new RunPlatform(p.PodStartSeconds, 0, "the Deployment's 1 replica", "the CronJob (concurrencyPolicy Forbid)",
                "the Job ending after its run", "pod start");
            return PlannedRunsModel.For(plan, signals, p, platform, w is IRunsOnSchedule ? ((ITargetSimulation)this).Schedule(plan) : null);
        }
        if (PlannedScaling.Has(plan, PlannedScaling.ScaledJobType))
        {
            var pool = new WorkerPool(0);
            return (new KedaJobModel(signals, pool, PlannedScaling.KedaJob(plan, p), p), pool);
        }
        if (PlannedScaling.Has(plan, PlannedScaling.ScaledObjectType))
        {
            var scaling = PlannedScaling.Keda(plan, p);
            var pool = new WorkerPool(KedaModel.Initial(scaling));
            return (new KedaModel(signals, pool, scaling, p), pool);
        }
        if (PlannedScaling.Has(plan, PlannedScaling.HpaType))
        {
            var scaling = PlannedScaling.Hpa(plan);
            var pool = new WorkerPool(scaling.Min);
            return (new HpaCpuModel(signals, pool, scaling, p), pool);
        }
        throw new InvalidOperationException($"{w.Label}: the plan has no ScaledJob, ScaledObject or HorizontalPodAutoscaler to simulate");
    }

    /// <summary>The CronJob: its <c>schedule</c>, <c>timeZone</c> and its Jobs' <c>activeDeadlineSeconds</c>.</summary>
    PlannedSchedule ITargetSimulation.Schedule(WorkloadPlan plan) => PlannedScaling.KubernetesSchedule(plan);
}
