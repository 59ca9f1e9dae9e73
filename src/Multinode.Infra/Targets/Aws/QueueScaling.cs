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
/// <item>Function only: a step policy on the excess "in service − (I + spare)" removes the excess once it has held for
/// cooldownPeriod (every datapoint of the alarm's window).</item>
/// </list>
/// </summary>
public sealed record QueueScaling(int Max, int Spare, int? CooldownSeconds)
{
    /// <summary>AWS allows at most 20 step adjustments in one policy.</summary>
    public const int MaxSteps = 20;

    /// <summary>Seconds per datapoint of the scale-in alarm: one minute (the granularity of SQS and group metrics) up to
    /// an hour of cooldown, five minutes beyond, keeping the alarm's window within what CloudWatch evaluates.</summary>
    public int Period => CooldownSeconds > 3600 ? 300 : 60;

    /// <summary>Datapoints that must all show excess before scale-in: cooldownPeriod rounded up to whole periods, at least one.</summary>
    public int ScaleInEvaluationPeriods => Math.Max(1, (int)Math.Ceiling((CooldownSeconds ?? 0) / (double)Period));

    /// <summary>Seconds of low load before the first instance is removed (the cooldown as AWS realises it).</summary>
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
