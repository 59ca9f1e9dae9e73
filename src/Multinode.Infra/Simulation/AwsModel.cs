using Multinode.Infra.Workloads;

namespace Multinode.Infra.Simulation;

/// <summary>
/// EC2 Auto Scaling: CloudWatch datapoints per period, published after a lag; alarms evaluated once a minute that
/// invoke their step policy every minute they are in ALARM; target tracking on its managed alarms (scale out after
/// <see cref="PlatformParameters.TargetTrackingScaleOutDatapoints"/> datapoints above target, proportionally on the
/// in-service capacity past warm-up); instances boot for <see cref="PlatformParameters.InstanceBootSeconds"/>.
/// </summary>
internal sealed class AwsModel : PlatformModel
{
    private readonly AwsScaling _s;
    private readonly PlatformParameters _p;
    private readonly Workload _workload;
    private readonly double _cpu;

    public AwsModel(Signals signals, WorkerPool pool, AwsScaling scaling, PlatformParameters p, Workload workload, double cpu)
        : base(signals, pool, p.InstanceBootSeconds, p.InvocationSeconds)
    {
        _s = scaling;
        _p = p;
        _workload = workload;
        _cpu = cpu;
        Desired = pool.Count;
    }

    public static int Initial(AwsScaling s) => s.Min;

    public override string ScaleOutDelay
    {
        get
        {
            var alarm = _s.Alarms.Where(a => a.Policy.Steps.Any(x => x.Adjustment > 0)).Select(a => $"{a.DatapointsToAlarm} × {a.Period} s datapoint of {a.Name}").FirstOrDefault();
            var tracking = _s.Tracking.Select(t => $"{_p.TargetTrackingScaleOutDatapoints} datapoints above target for {t.Name}").FirstOrDefault();
            return string.Join(" or ", new[] { alarm, tracking }.OfType<string>()) + $", each published {_p.MetricLagSeconds} s after its period";
        }
    }

    public override string ScaleInDelay
    {
        get
        {
            var words = new List<string>();
            foreach (var a in _s.Alarms.Where(a => a.Policy.Steps.Any(x => x.Adjustment < 0)))
                words.Add($"{a.Name} needs {a.DatapointsToAlarm} of {a.EvaluationPeriods} datapoints of {a.Period} s in breach, plus {_p.MetricLagSeconds} s metric lag");
            if (_s.PerWorker is { } rule) words.Add($"each idle worker ends itself after {rule.CooldownSeconds} s of its own idleness");
            if (_workload is IRunsToCompletion) words.Add("each instance ends itself after its execution");
            foreach (var t in _s.Tracking.Where(t => !t.DisableScaleIn))
                words.Add($"{t.Name} scales in after {_p.TargetTrackingScaleInDatapoints} datapoints below target");
            return words.Count == 0 ? "nothing in the plan scales in" : string.Join("; ", words);
        }
    }

    /// <summary>A metric's value over [from, to): the simulated signal CloudWatch would report, aggregated by its stat.</summary>
    private double Datapoint(MetricRef metric, int from, int to)
    {
        IEnumerable<double> values = metric.Name switch
        {
            "ApproximateNumberOfMessagesVisible" => S.Waiting[from..to].Select(v => (double)v),
            "ApproximateNumberOfMessagesNotVisible" => S.Busy[from..to].Select(v => (double)v),
            "GroupInServiceInstances" => S.Ready[from..to].Select(v => (double)v),
            "CPUUtilization" => S.Cpu[from..to].Where(v => !double.IsNaN(v)),
            _ => [],
        };
        var list = values.ToList();
        if (list.Count == 0) return double.NaN;
        return metric.Stat switch
        {
            "Maximum" => list.Max(),
            "Minimum" => list.Min(),
            "Sum" => list.Sum(),
            "SampleCount" => list.Count,
            _ => list.Average(),
        };
    }

    private static readonly MetricRef Cpu = new("AWS/EC2", "CPUUtilization", "Average");

    /// <summary>The last <paramref name="count"/> datapoints CloudWatch has at second t, oldest first; NaN where none.</summary>
    private double[] Datapoints(int t, int period, int count, Func<int, int, double> value)
    {
        var latest = (int)Math.Floor((t - _p.MetricLagSeconds) / (double)period) - 1;
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            var k = latest - count + 1 + i;
            result[i] = k < 0 ? double.NaN : value(k * period, (k + 1) * period);
        }
        return result;
    }

    private double Evaluate(string expression, IReadOnlyDictionary<string, MetricRef> metrics, int from, int to) =>
        Expression.Evaluate(expression, id => metrics.TryGetValue(id, out var m) ? Datapoint(m, from, to) : double.NaN);

    private static bool Breaches(string comparison, double value, double threshold) => !double.IsNaN(value) && comparison switch
    {
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "GreaterThanThreshold" => value > threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => false,
    };

    private int Clamp(int desired) => Math.Clamp(desired, _s.Min, _s.Max);

    public override void Decide(int t)
    {
        // CloudWatch evaluates alarms once a minute; Auto Scaling re-runs a policy every minute its alarm stays in ALARM.
        if (t > 0 && t % 60 == 0)
        {
            foreach (var alarm in _s.Alarms)
            {
                var points = Datapoints(t, alarm.Period, alarm.EvaluationPeriods, (a, b) => Evaluate(alarm.Expression, alarm.Metrics, a, b));
                if (points.Count(v => Breaches(alarm.Comparison, v, alarm.Threshold)) < alarm.DatapointsToAlarm) continue;
                var breach = points[^1] - alarm.Threshold;
                var step = alarm.Policy.Steps.FirstOrDefault(s => (s.Lower is not { } l || breach >= l) && (s.Upper is not { } u || breach < u));
                if (step is null) continue;
                Set(t, Clamp(alarm.Policy.AdjustmentType switch
                {
                    "ExactCapacity" => step.Adjustment,
                    "PercentChangeInCapacity" => Desired + (int)Math.Truncate(Desired * step.Adjustment / 100.0),
                    _ => Desired + step.Adjustment,
                }), $"{alarm.Name} ({alarm.DatapointsToAlarm} of {alarm.EvaluationPeriods} datapoints of {alarm.Period} s, published {_p.MetricLagSeconds} s after each) → {alarm.Policy.Name}");
            }
            foreach (var tracking in _s.Tracking) Track(t, tracking);
        }
        Pool.Reconcile(t, Desired, StartSeconds, removeBusy: _workload is ILoadBalanced);
    }

    private void Track(int t, PlannedTracking tracking)
    {
        var period = tracking.Expression is null ? _s.CpuPeriodSeconds ?? _p.BasicMonitoringPeriodSeconds : _p.MetricPeriodSeconds;
        Func<int, int, double> value = tracking.Expression is { } e
            ? (a, b) => Evaluate(e, tracking.Metrics, a, b)
            : (a, b) => Datapoint(Cpu, a, b);
        var warmup = tracking.WarmupSeconds ?? _p.DefaultInstanceWarmupSeconds;
        var warm = Pool.Ready(t - warmup);
        var up = Datapoints(t, period, _p.TargetTrackingScaleOutDatapoints, value);
        if (up.All(v => v > tracking.Target) && warm > 0)
        {
            var wanted = Clamp((int)Math.Ceiling(warm * up[^1] / tracking.Target - 1e-9));
            if (wanted > Desired) Set(t, wanted, $"{tracking.Name} ({_p.TargetTrackingScaleOutDatapoints} datapoints of {period} s above target, published {_p.MetricLagSeconds} s after each)");
            return;
        }
        if (tracking.DisableScaleIn) return;
        var down = Datapoints(t, period, _p.TargetTrackingScaleInDatapoints, value);
        var ready = Pool.Ready(t);
        if (ready > 0 && down.All(v => v < tracking.Target))
        {
            var wanted = Clamp((int)Math.Ceiling(ready * down[^1] / tracking.Target - 1e-9));
            if (wanted < Desired) Set(t, wanted, $"{tracking.Name} ({_p.TargetTrackingScaleInDatapoints} datapoints of {period} s below target)");
        }
    }

    public override void Serve(int t)
    {
        switch (_workload)
        {
            // The worker runs one execution and ends its instance (MULTINODE_EXECUTIONS=1 in the user data).
            case IRunsToCompletion when _s.OneExecutionPerWorker:
                ServeJobs(t, _s.MessageWaitSeconds);
                break;
            case ILoadBalanced:
                ServeCpu(t, _cpu, _s.VCpusPerInstance);
                break;
            default:
                ServeQueue(t);
                if (_s.PerWorker is { } rule)
                    Set(t, Math.Max(_s.Min, Desired - Pool.EndIdle(t, S.InFlight(t), rule, _s.Min)), $"idle workers ending themselves after {rule.CooldownSeconds} s");
                break;
        }
    }
}
