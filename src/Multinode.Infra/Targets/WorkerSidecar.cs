using System.Globalization;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets;

/// <summary>
/// The worker sidecar (DESIGN section 7, docs/worker.md) as both targets run it beside a Function's or Job's
/// container: its name and the part of its environment that does not depend on the target. Each target adds the
/// queue's variables and its own (AWS: instance, group, lifecycle hook; Kubernetes: pod name and namespace).
/// </summary>
public static class WorkerSidecar
{
    /// <summary>The sidecar's container name on both targets.</summary>
    public const string ContainerName = "multinode-worker";

    /// <summary>Seconds a Job's worker waits for its message before it gives up (and its instance or pod ends).</summary>
    public const int JobMessageWaitSeconds = 120;

    /// <summary>The workload's port when it runs the worker (Function, Job); null for the kinds that run their
    /// container alone (Service, ScheduledTask, Daemon).</summary>
    public static int? Port(Workload workload) => (workload as IQueueWorkload)?.Port;

    /// <summary>Longest a Job's run may take end to end: the wait for its message, then its invocation.</summary>
    public static int JobRunLimitSeconds(Workload workload) => JobMessageWaitSeconds + workload.Container.TimeoutSeconds;

    /// <summary>The target-independent variables, in a fixed order: kind, workload, platform, timeout, port, then the
    /// kind's own (a Function's spare workers and cooldown; a Job's message wait).
    /// MULTINODE_INVOKE_URL is left to its default, http://127.0.0.1:$MULTINODE_PORT/invoke.</summary>
    public static IReadOnlyList<(string Name, string Value)> Env(Workload workload, string platform)
    {
        static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        var port = Port(workload) ?? throw new ArgumentException($"{workload.Label} runs no worker", nameof(workload));
        var env = new List<(string, string)>
        {
            ("MULTINODE_KIND", workload.Kind.ToString().ToLowerInvariant()),
            ("MULTINODE_WORKLOAD", workload.Name),
            ("MULTINODE_PLATFORM", platform),
            ("MULTINODE_TIMEOUT_SECONDS", Number(workload.Container.TimeoutSeconds)),
            ("MULTINODE_PORT", Number(port)),
        };
        switch (workload)
        {
            case FunctionWorkload f:
                env.Add(("MULTINODE_SPARE_WORKERS", Number(f.SpareWorkers)));
                env.Add(("MULTINODE_COOLDOWN_SECONDS", Number(f.CooldownPeriod)));
                break;
            case JobWorkload:
                env.Add(("MULTINODE_MESSAGE_WAIT_SECONDS", Number(JobMessageWaitSeconds)));
                break;
        }
        return env;
    }
}
