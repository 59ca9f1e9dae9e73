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

    /// <summary>The wall-clock instant second 0 stands for (UTC): where schedules are counted from. A flag of its own
    /// (<c>--start</c>), not a number, so it is not in <see cref="All"/>.</summary>
    public DateTimeOffset Start { get; init; } = Simulator.Start;

    /// <summary>Seconds per datapoint of metrics the plan does not give a period for (SQS and group metrics: one minute).</summary>
    public int MetricPeriodSeconds { get; init; } = 60;

    /// <summary>Second within each sampling interval (<see cref="MetricPeriodSeconds"/>) at which SQS and group metrics
    /// take their one count; visible and in-flight messages are counted at the same instant.</summary>
    public int MetricSampleSecond { get; init; } = 30;

    /// <summary>Seconds of CPU usage one pod metric averages (metrics-server's resolution).</summary>
    public int PodMetricWindowSeconds { get; init; } = 15;

    /// <summary>The HPA's CPU initialization period: within it a pod's CPU counts only once ready for a whole metric window.</summary>
    public int HpaCpuInitializationSeconds { get; init; } = 300;

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

    /// <summary>Seconds one Function invocation takes. The trace gives how many are in flight; the simulation keeps
    /// that many going with invocations of this length, each taken by the worker that has waited longest.</summary>
    public int InvocationSeconds { get; init; } = 1;

    /// <summary>Seconds after its time until an Auto Scaling scheduled action has set the desired capacity.</summary>
    public int ScheduledActionDelaySeconds { get; init; } = 30;

    /// <summary>Seconds one ScheduledTask run takes once its worker serves; 0 means the plan's timeoutSeconds.</summary>
    public int TaskRunSeconds { get; init; }

    /// <summary>Every parameter with its flag, for the CLI and the docs: one table, so a new parameter cannot miss a flag.</summary>
    public static readonly IReadOnlyList<PlatformParameter> All =
    [
        new("metric-period", 1, "seconds per CloudWatch datapoint of SQS and group metrics", p => p.MetricPeriodSeconds, (p, v) => p with { MetricPeriodSeconds = (int)v }),
        new("metric-sample", 0, "second within each sampling interval at which SQS and group metrics are counted", p => p.MetricSampleSecond, (p, v) => p with { MetricSampleSecond = (int)v }),
        new("metric-lag", 0, "seconds after a period before its datapoint can be evaluated", p => p.MetricLagSeconds, (p, v) => p with { MetricLagSeconds = (int)v }),
        new("basic-monitoring-period", 1, "seconds per EC2 CPU datapoint without detailed monitoring", p => p.BasicMonitoringPeriodSeconds, (p, v) => p with { BasicMonitoringPeriodSeconds = (int)v }),
        new("tt-scale-out-datapoints", 1, "datapoints above target before target tracking scales out", p => p.TargetTrackingScaleOutDatapoints, (p, v) => p with { TargetTrackingScaleOutDatapoints = (int)v }),
        new("tt-scale-in-datapoints", 1, "datapoints below target before target tracking scales in", p => p.TargetTrackingScaleInDatapoints, (p, v) => p with { TargetTrackingScaleInDatapoints = (int)v }),
        new("instance-warmup", 0, "instance warm-up when a target-tracking policy sets none", p => p.DefaultInstanceWarmupSeconds, (p, v) => p with { DefaultInstanceWarmupSeconds = (int)v }),
        new("instance-boot", 0, "seconds from launch until an EC2 instance serves", p => p.InstanceBootSeconds, (p, v) => p with { InstanceBootSeconds = (int)v }),
        new("hpa-sync", 1, "seconds between two HPA controller runs", p => p.HpaSyncSeconds, (p, v) => p with { HpaSyncSeconds = (int)v }),
        new("hpa-tolerance", 0, "usage ratio distance from 1 the HPA ignores", p => p.HpaTolerance, (p, v) => p with { HpaTolerance = v }),
        new("keda-polling", 1, "KEDA polling interval when the plan sets none", p => p.KedaPollingSeconds, (p, v) => p with { KedaPollingSeconds = (int)v }),
        new("keda-cooldown", 1, "KEDA cooldownPeriod when the plan sets none", p => p.KedaCooldownSeconds, (p, v) => p with { KedaCooldownSeconds = (int)v }),
        new("invocation", 1, "seconds one Function invocation takes", p => p.InvocationSeconds, (p, v) => p with { InvocationSeconds = (int)v }),
        new("scheduled-action-delay", 0, "seconds after its time until a scheduled action sets the desired capacity", p => p.ScheduledActionDelaySeconds, (p, v) => p with { ScheduledActionDelaySeconds = (int)v }),
        new("task-run", 0, "seconds one ScheduledTask run takes (0: the plan's timeoutSeconds)", p => p.TaskRunSeconds, (p, v) => p with { TaskRunSeconds = (int)v }),
        new("pod-metric-window", 1, "seconds of CPU usage one pod metric averages", p => p.PodMetricWindowSeconds, (p, v) => p with { PodMetricWindowSeconds = (int)v }),
        new("hpa-cpu-initialization", 0, "the HPA's CPU initialization period after a pod starts", p => p.HpaCpuInitializationSeconds, (p, v) => p with { HpaCpuInitializationSeconds = (int)v }),
        new("pod-start", 0, "seconds from pod creation until it is ready", p => p.PodStartSeconds, (p, v) => p with { PodStartSeconds = (int)v }),
    ];
}

/// <summary>One platform parameter: its flag (without "--"), the smallest value that makes sense, what it means, and
/// how to read and set it.</summary>
public sealed record PlatformParameter(string Flag, double Minimum, string Description, Func<PlatformParameters, double> Get,
    Func<PlatformParameters, double, PlatformParameters> With)
{
    /// <summary>The largest value any parameter takes: a day.</summary>
    public const double Maximum = 86400;

    /// <summary>Null when <paramref name="value"/> is allowed, else what is wrong with it.</summary>
    public string? Check(double value) =>
        !double.IsFinite(value) || value < Minimum || value > Maximum
            ? $"--{Flag} = {Values.Numbers.Exact(value)} is outside {Values.Numbers.Exact(Minimum)}..{Values.Numbers.Exact(Maximum)}"
            : Flag != "hpa-tolerance" && value != Math.Floor(value)
                ? $"--{Flag} = {Values.Numbers.Exact(value)} is not a whole number"
                : null;
}
