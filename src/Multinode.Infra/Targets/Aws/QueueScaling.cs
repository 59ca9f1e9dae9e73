using System.Globalization;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The numbers of queue-driven scaling (Function and Job) on EC2 Auto Scaling, computed in one place so that the plan,
/// the tests and docs/scaling.md agree. In-flight work I = SQS visible + not-visible messages.
/// <list type="bullet">
/// <item>Target tracking on (I + spare) / in-service instances with target 1 keeps desired ≈ I + spare; scale-in disabled.</item>
/// <item>Target tracking is undefined at zero in-service instances, so a step policy (ExactCapacity) on
/// "I while no instance is in service" starts the group: desired = min(max, spare + I) in one step.</item>
/// <item>Function only, a safety net: a step policy on the excess "in service − (I + spare)" removes the excess once it
/// has held for <see cref="SafetyNetFactor"/> × cooldownPeriod (every datapoint of the alarm's window). Scale-in proper
/// is per worker: the worker sidecar ends its own instance after cooldownPeriod of its own idleness while the group
/// has more in service than I + spare (docs/scaling.md), well inside this window, so the net acts only when workers
/// fail to end themselves (the worker cannot reach Auto Scaling, or one never goes idle for long enough while work
/// rotates over the pool).</item>
/// </list>
/// </summary>
public sealed record QueueScaling(int Max, int Spare, int? CooldownSeconds)
{
    /// <summary>AWS allows at most 20 step adjustments in one policy.</summary>
    public const int MaxSteps = 20;

    /// <summary>The safety net's window, in cooldownPeriods: long enough that a worker's own cooldown always comes first.</summary>
    public const int SafetyNetFactor = 2;

    /// <summary>Seconds the excess must hold before the safety net removes it.</summary>
    public int ScaleInWindowSeconds => SafetyNetFactor * (CooldownSeconds ?? 0);

    /// <summary>Seconds per datapoint of the scale-in alarm: one minute (the granularity of SQS and group metrics) for
    /// windows up to an hour, five minutes up to a day, an hour beyond: CloudWatch evaluates at most one day of
    /// sub-hour datapoints and seven days of hourly ones.</summary>
    public int Period => ScaleInWindowSeconds switch
    {
        <= 3600 => 60,
        <= 86400 => 300,
        _ => 3600,
    };

    /// <summary>Datapoints that must all show excess before scale-in: the window rounded up to whole periods, at least one.</summary>
    public int ScaleInEvaluationPeriods => Math.Max(1, (int)Math.Ceiling(ScaleInWindowSeconds / (double)Period));

    /// <summary>Seconds of excess before the safety net removes the first instance.</summary>
    public int ScaleInDelaySeconds => ScaleInEvaluationPeriods * Period;

    private int StepCount => Math.Max(1, Math.Min(Max - Spare, MaxSteps));

    /// <summary>Start steps: I − 1 in [j, j+1) ⇒ desired = min(max, spare + j + 1); the last step is open-ended.</summary>
    public IReadOnlyList<(int Lower, int? Upper, int Adjustment)> StartSteps =>
        [.. Enumerable.Range(0, StepCount).Select(j => (j, j == StepCount - 1 ? (int?)null : j + 1, Math.Min(Max, Spare + j + 1)))];

    /// <summary>Scale-in steps: excess − 1 in [j, j+1) ⇒ remove j + 1 instances; the last step is open-ended.</summary>
    public IReadOnlyList<(int Lower, int? Upper, int Adjustment)> ScaleInSteps =>
        [.. Enumerable.Range(0, StepCount).Select(j => (j, j == StepCount - 1 ? (int?)null : j + 1, -(j + 1)))];

    public string TrackingExpression => $"(FILL(visible, 0) + FILL(inflight, 0) + {Spare}) / workers";

    public const string StartExpression = "IF(FILL(workers, 0) < 1, FILL(visible, 0) + FILL(inflight, 0), 0)";

    public string ScaleInExpression => $"FILL(workers, 0) - (FILL(visible, 0) + FILL(inflight, 0) + {Spare})";

    internal static PropertyValue StepsValue(IReadOnlyList<(int Lower, int? Upper, int Adjustment)> steps) =>
        PropertyValue.From(steps.Select(s => PropertyValue.From(new PropertyMap(
            ("metricIntervalLowerBound", s.Lower.ToString(CultureInfo.InvariantCulture)),
            ("metricIntervalUpperBound", s.Upper is { } u ? PropertyValue.From(u.ToString(CultureInfo.InvariantCulture)) : null),
            ("scalingAdjustment", s.Adjustment)))));
}
