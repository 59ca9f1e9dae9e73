using Multinode.Contracts;
using System.Globalization;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets;

/// <summary>
/// The worker sidecar (DESIGN section 7, docs/worker.md) as both targets run it beside the container of a queue
/// workload (<see cref="IQueueWorkload"/>): its name and the part of its environment that does not depend on the target. Each target adds the
/// queue's variables and its own (AWS: instance, group, lifecycle hook; Kubernetes: pod name and namespace).
/// </summary>
public static class WorkerSidecar
{
    /// <summary>The sidecar's container name on both targets.</summary>
    public const string ContainerName = WorkerSettings.ContainerName;

    /// <summary>Seconds a Job's worker waits for its message before it gives up (and its instance or pod ends).</summary>
    public static int JobMessageWaitSeconds => WorkerSettings.MessageWait.Default;

    /// <summary>The workload's port when it runs the worker (a queue workload); null for the kinds that run their
    /// container alone.</summary>
    public static int? Port(Workload workload) => (workload as IQueueWorkload)?.Port;

    /// <summary>Longest a one-message run may take end to end: the wait for its message, then its invocation.</summary>
    public static int JobRunLimitSeconds(Workload workload) => JobMessageWaitSeconds + workload.Container.TimeoutSeconds;

    /// <summary>The variables of a warm pool's worker: its spare workers and its own cooldown.</summary>
    public static IReadOnlyList<(string Name, string Value)> WarmPoolEnv(int spareWorkers, int cooldownSeconds) =>
        [(WorkerEnv.SpareWorkers, Number(spareWorkers)), (WorkerEnv.CooldownSeconds, Number(cooldownSeconds))];

    /// <summary>The variables of a worker that takes one message and exits: how long it waits for it.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> OneMessageEnv =
        [(WorkerEnv.MessageWaitSeconds, Number(JobMessageWaitSeconds))];

    /// <summary>The target-independent variables, in a fixed order: kind, workload, platform, timeout, port, then the
    /// kind's own (<paramref name="kindEnv"/>, from the target's kind mapping: <see cref="WarmPoolEnv"/>,
    /// <see cref="OneMessageEnv"/>); <paramref name="platform"/> is one of <see cref="WorkerPlatforms"/>.
    /// MULTINODE_INVOKE_URL is left to its default, http://127.0.0.1:$MULTINODE_PORT/invoke.</summary>
    public static IReadOnlyList<(string Name, string Value)> Env(Workload workload, string platform,
        IReadOnlyList<(string Name, string Value)> kindEnv)
    {
        var port = Port(workload) ?? throw new ArgumentException($"{workload.Label} runs no worker", nameof(workload));
        return
        [
            (WorkerEnv.Kind, KindNames.Lower(workload)),
            (WorkerEnv.Workload, workload.Name),
            (WorkerEnv.Platform, platform),
            (WorkerEnv.TimeoutSeconds, Number(workload.Container.TimeoutSeconds)),
            (WorkerEnv.Port, Number(port)),
            .. kindEnv,
        ];
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
