namespace Multinode.Contracts;

/// <summary>Limits on a workload's inputs that more than one part reads (validation and the schema in the core, the
/// worker's settings here), each in one place. A kind's inputs take their limits from these names; the worker's own
/// ranges are in <see cref="WorkerSettings"/>, built on them.</summary>
public static class WorkloadLimits
{
    /// <summary>The most workers (or replicas, or executions at once) of one workload: maxWorkers, spareWorkers,
    /// maxConcurrency, minReplicas and maxReplicas.</summary>
    public const int MaxWorkers = 100;

    /// <summary>timeoutSeconds when a workload gives none; the worker's default too.</summary>
    public const int DefaultTimeoutSeconds = 300;

    /// <summary>The longest timeoutSeconds of a kind that runs no worker, and the longest cooldownPeriod: a day. A kind
    /// that runs the worker is held to <see cref="WorkerSettings.MaxTimeoutSeconds"/>.</summary>
    public const int MaxDaySeconds = 24 * 60 * 60;
}
