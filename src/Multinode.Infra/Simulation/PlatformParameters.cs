namespace Multinode.Infra.Simulation;

/// <summary>
/// What the platforms do that the plan does not say: timings of CloudWatch, EC2 Auto Scaling, the HPA and KEDA, and
/// how long a worker takes to start. Defaults and their sources are in docs/simulation.md; every value is a flag of
/// <c>multinode simulate</c>. Values the plan does say (alarm periods, targets, windows, polling) are read from the
/// planned children instead and are not here.
/// </summary>
public sealed record PlatformParameters
{
    public static readonly PlatformParameters Default = new();

    /// <summary>Seconds per datapoint of metrics the plan does not give a period for (SQS and group metrics: one minute).</summary>
    public int MetricPeriodSeconds { get; init; } = 60;

    /// <summary>Seconds after a datapoint's period ends before CloudWatch can evaluate it (metric publication delay).</summary>
    public int MetricLagSeconds { get; init; } = 60;

    /// <summary>Seconds per datapoint of EC2 CPU utilisation without detailed monitoring (the launch template's
    /// <c>monitoring.enabled</c> turns one-minute datapoints on).</summary>
    public int BasicMonitoringPeriodSeconds { get; init; } = 300;

    /// <summary>Consecutive datapoints above target before a target-tracking policy scales out (its managed high alarm).</summary>
    public int TargetTrackingScaleOutDatapoints { get; init; } = 3;

    /// <summary>Consecutive datapoints below target before a target-tracking policy scales in (its managed low alarm).</summary>
    public int TargetTrackingScaleInDatapoints { get; init; } = 15;

    /// <summary>Instance warm-up when a target-tracking policy sets none: the group's default cooldown.</summary>
    public int DefaultInstanceWarmupSeconds { get; init; } = 300;

    /// <summary>Seconds from launch until an EC2 instance has booted, pulled the image and serves.</summary>
    public int InstanceBootSeconds { get; init; } = 90;

    /// <summary>Seconds between two runs of the HPA controller (kube-controller-manager's sync period).</summary>
    public int HpaSyncSeconds { get; init; } = 15;

    /// <summary>The HPA ignores a usage ratio within this distance of 1.</summary>
    public double HpaTolerance { get; init; } = 0.1;

    /// <summary>KEDA's polling interval when the ScaledObject or ScaledJob sets none.</summary>
    public int KedaPollingSeconds { get; init; } = 30;

    /// <summary>KEDA's cooldownPeriod when the ScaledObject sets none.</summary>
    public int KedaCooldownSeconds { get; init; } = 300;

    /// <summary>Seconds from a pod's creation until it is ready (scheduled on an existing node, image cached or small).</summary>
    public int PodStartSeconds { get; init; } = 20;

    /// <summary>Every value with its flag name, for help texts and the docs.</summary>
    public IEnumerable<(string Flag, double Value)> Values()
    {
        yield return ("--metric-period", MetricPeriodSeconds);
        yield return ("--metric-lag", MetricLagSeconds);
        yield return ("--basic-monitoring-period", BasicMonitoringPeriodSeconds);
        yield return ("--tt-scale-out-datapoints", TargetTrackingScaleOutDatapoints);
        yield return ("--tt-scale-in-datapoints", TargetTrackingScaleInDatapoints);
        yield return ("--instance-warmup", DefaultInstanceWarmupSeconds);
        yield return ("--instance-boot", InstanceBootSeconds);
        yield return ("--hpa-sync", HpaSyncSeconds);
        yield return ("--hpa-tolerance", HpaTolerance);
        yield return ("--keda-polling", KedaPollingSeconds);
        yield return ("--keda-cooldown", KedaCooldownSeconds);
        yield return ("--pod-start", PodStartSeconds);
    }
}
