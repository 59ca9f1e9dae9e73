using System.Globalization;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The numbers of queue-driven scaling (Function and Job) on EC2 Auto Scaling, computed in one place so that the plan,
/// the tests and docs/scaling.md agree. In-flight work I = SQS visible + not-visible messages.
/// <list type="bullet">
/// <item>Target tracking on (I + spare) / in-service instances with target 1 keeps desired ≈ I + spare; scale-in disabled.</item>
/// <item>Target tracking is undefined at zero in-service instances, so a step policy on "I while no instance is in
/// service" starts the group: desired = min(max, spare + I) in one step. Its adjustment type is ChangeInCapacity
/// with an instance warm-up, never ExactCapacity: EC2 Auto Scaling adds a step's adjustment to the current capacity
/// without the instances still warming up, and does not change desired when the result is not above it (EC2 Auto
/// Scaling User Guide, "Step and simple scaling policies", "Instance warmup"). The alarm fires only while no instance
/// is in service, when that capacity is 0, so the step sets min(max, spare + I) as an exact one would; but a re-fire
/// on a stale datapoint while the started instances boot asks for no more than is desired, and a non-negative
/// adjustment can never lower capacity that the workers or target tracking raised meanwhile.</item>
/// <item>Function only, the workers' own scale-out: every <see cref="ScaleOutSeconds"/> each running worker raises
/// desired to min(max, I + spare) when that is above it (SetDesiredCapacity on its own group; it never lowers it),
/// so a backlog is answered in seconds rather than after the one-minute metrics (docs/worker.md).</item>
/// <item>Function only, a safety net: a step policy on the excess "in service − (I + spare)" removes one
/// instance each time its alarm runs it, once the excess has held for <see cref="SafetyNetFactor"/> ×
/// cooldownPeriod: every datapoint of the alarm's window breaches, and the policy aggregates them with Minimum.
/// Scale-in proper is per worker: the worker sidecar ends its own instance after cooldownPeriod of its own idleness
/// while the group has more in service than I + spare (docs/scaling.md), well inside this window, and keeps it
/// protected from scale-in until then; so the net acts only when workers fail to end themselves (the worker cannot
/// reach Auto Scaling, or one never goes idle for long enough while work rotates over the pool).</item>
/// </list>
/// </summary>
public sealed record QueueScaling(int Max, int Spare, int? CooldownSeconds)
{
    /// <summary>AWS allows at most 20 step adjustments in one policy.</summary>
    public const int MaxSteps = 20;

    /// <summary>How often a running Function worker compares in-flight + spare with the group's desired capacity
    /// and raises it (<c>MULTINODE_SCALE_OUT_SECONDS</c>); each worker at its own random phase within the
    /// interval.</summary>
    public const int ScaleOutSeconds = 10;

    /// <summary>The worker variable that turns the workers' own scale-out on.</summary>
    public static readonly (string Name, string Value) ScaleOutEnv =
        ("MULTINODE_SCALE_OUT_SECONDS", ScaleOutSeconds.ToString(CultureInfo.InvariantCulture));

    /// <summary>The start policy's estimated instance warm-up: while the instances it started warm up they are not
    /// current capacity, so the alarm's re-fires (every minute while it stays in ALARM) add nothing more. Longer than
    /// an instance takes to be in service (launch, then EC2 status), after which the alarm's expression is 0.</summary>
    public const int StartWarmupSeconds = 300;

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

    /// <summary>The safety net's one step: any sustained excess (≥ 1) removes one instance per run of the
    /// policy.</summary>
    public IReadOnlyList<(int Lower, int? Upper, int Adjustment)> ScaleInSteps => [(0, null, -1)];

    public string TrackingExpression => $"(FILL(visible, 0) + FILL(inflight, 0) + {Spare}) / workers";

    public const string StartExpression = "IF(FILL(workers, 0) < 1, FILL(visible, 0) + FILL(inflight, 0), 0)";

    public string ScaleInExpression => $"FILL(workers, 0) - (FILL(visible, 0) + FILL(inflight, 0) + {Spare})";

    internal static PropertyValue StepsValue(IReadOnlyList<(int Lower, int? Upper, int Adjustment)> steps) =>
        PropertyValue.From(steps.Select(s => PropertyValue.From(new PropertyMap(
            ("metricIntervalLowerBound", s.Lower.ToString(CultureInfo.InvariantCulture)),
            ("metricIntervalUpperBound", s.Upper is { } u ? PropertyValue.From(u.ToString(CultureInfo.InvariantCulture)) : null),
            ("scalingAdjustment", s.Adjustment)))));
}
