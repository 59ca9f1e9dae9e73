using Multinode.Infra.Workloads;

namespace Multinode.Infra.Simulation;

/// <summary>
/// EC2 Auto Scaling as documented (docs/simulation.md lists each rule with its source): SQS and group metrics sampled
/// once per sampling interval, both at the same instant; CloudWatch datapoints per period, published after a lag;
/// alarms evaluated once a minute that invoke their step policy every minute they are in ALARM, the breach size
/// aggregated over the alarm's datapoints by the policy's <c>metricAggregationType</c>; no policy scale-in while an
/// instance launches or warms up; target tracking on its managed alarms; scale-in never removes a protected instance.
/// </summary>
internal sealed class AwsModel : PlatformModel
{
    private readonly AwsScaling _s;
    private readonly PlatformParameters _p;
    private readonly bool _loadBalanced;
    private readonly double _cpu;

    public AwsModel(Signals signals, WorkerPool pool, AwsScaling scaling, PlatformParameters p, Workload workload)
        : base(signals, pool, p.InstanceBootSeconds, p.InvocationSeconds)
    {
        _s = scaling;
        _p = p;
        _loadBalanced = workload is ILoadBalanced;
        // The container uses at most its docker --cpus cap, else the whole instance.
        _cpu = scaling.ContainerCpus is { } cap ? Math.Min(cap, scaling.VCpusPerInstance) : scaling.VCpusPerInstance;
        Desired = pool.Count;
    }

    public static int Initial(AwsScaling s) => s.Min;

    public override string ScaleOutDelay
    {
        get
        {
            var alarm = _s.Alarms.Where(a => a.Policy.Steps.Any(x => x.Adjustment > 0))
                .Select(a => $"{a.DatapointsToAlarm} × {a.Period} s datapoint of {a.Name}").FirstOrDefault();
            var tracking = _s.Tracking.Select(t => $"{_p.TargetTrackingScaleOutDatapoints} datapoints above target for {t.Name}").FirstOrDefault();
            var workers = _s.ScaleOutSeconds is { } n ? $"running workers raising desired every {n} s" : null;
            return string.Join(" or ", new[] { workers, alarm, tracking }.OfType<string>()) +
                $", each datapoint published {_p.MetricLagSeconds} s after its period";
        }
    }

    public override string ScaleInDelay
    {
        get
        {
            var words = new List<string>();
            foreach (var a in _s.Alarms.Where(a => a.Policy.Steps.Any(x => x.Adjustment < 0)))
                words.Add($"{a.Name} needs {a.DatapointsToAlarm} of {a.EvaluationPeriods} datapoints of {a.Period} s in breach, " +
                    $"plus {_p.MetricLagSeconds} s metric lag, and removes the {a.Policy.MetricAggregationType} excess");
            if (_s.PerWorker is { } rule)
                words.Add($"each idle worker keeps its instance protected and ends it after {rule.CooldownSeconds} s of its own idleness");
            if (S.Jobs is not null) words.Add("each instance ends itself after its execution");
            foreach (var t in _s.Tracking.Where(t => !t.DisableScaleIn))
                words.Add($"{t.Name} scales in after {_p.TargetTrackingScaleInDatapoints} datapoints below target");
            return words.Count == 0 ? "nothing in the plan scales in" : string.Join("; ", words);
        }
    }

    /// <summary>A metric's datapoint over [from, to), aggregated by its stat. SQS and group metrics are samples, one per
    /// <see cref="PlatformParameters.MetricPeriodSeconds"/> at its <see cref="PlatformParameters.MetricSampleSecond"/>,
    /// visible and in-flight counts taken at the same instant; EC2 CPU is the average of the period.</summary>
    private double Datapoint(MetricRef metric, int from, int to)
    {
        var values = new List<double>();
        if (metric.Sampled)
        {
            var interval = _p.MetricPeriodSeconds;
            var offset = _p.MetricSampleSecond % interval;
            var first = (from - offset + interval - 1) / interval * interval + offset;
            for (var t = Math.Max(offset, first); t < to; t += interval) values.Add(Sample(metric, t));
        }
        else
        {
            for (var t = from; t < to; t++)
                if (!double.IsNaN(S.Cpu[t])) values.Add(S.Cpu[t]);
        }
        return values.Count == 0 ? double.NaN : Aggregate(metric.Stat, values);
    }

    private double Sample(MetricRef metric, int t) => metric.Name switch
    {
        "ApproximateNumberOfMessagesVisible" => S.Waiting[t],
        "ApproximateNumberOfMessagesNotVisible" => S.Busy[t],
        "GroupInServiceInstances" => S.Ready[t],
        "GroupDesiredCapacity" => S.Desired[t],
        _ => throw new InvalidOperationException($"metric {metric.Namespace}/{metric.Name} has no simulation model"),
    };

    private static double Aggregate(string stat, IReadOnlyCollection<double> values) => stat switch
    {
        "Maximum" => values.Max(),
        "Minimum" => values.Min(),
        "Sum" => values.Sum(),
        "SampleCount" => values.Count,
        "Average" => values.Average(),
        _ => throw new InvalidOperationException($"statistic {stat} has no simulation model"),
    };

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
        Expression.Evaluate(expression, id => metrics.TryGetValue(id, out var m) ? Datapoint(m, from, to)
            : throw new InvalidOperationException($"expression \"{expression}\" names \"{id}\", which is no metric query of it"));

    private static bool Breaches(string comparison, double value, double threshold) => !double.IsNaN(value) && comparison switch
    {
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "GreaterThanThreshold" => value > threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => throw new InvalidOperationException($"comparisonOperator {comparison} has no simulation model"),
    };

    private int Clamp(int desired) => Math.Clamp(desired, _s.Min, _s.Max);

    /// <summary>Instances launching or still in their warm-up at second t: they do not count toward current capacity
    /// when a policy scales out, and while any exists no policy scales in ("Set the default instance warmup for an Auto
    /// Scaling group", Amazon EC2 Auto Scaling User Guide).</summary>
    private int Warming(int t, int warmup) => Pool.Count - Pool.Ready(t - warmup);

    private int Warmup(int? policy) => policy ?? _s.GroupWarmupSeconds ?? _p.DefaultInstanceWarmupSeconds;

    /// <summary>Sets a policy's new desired capacity, unless it lowers it while instances launch or warm up.</summary>
    private void Apply(int t, int wanted, int warmup, string mechanism)
    {
        wanted = Clamp(wanted);
        if (wanted < Desired && Warming(t, warmup) > 0) return;
        Set(t, wanted, mechanism);
    }

    public override void Decide(int t)
    {
        // CloudWatch evaluates alarms once a minute; Auto Scaling re-runs a policy every minute its alarm stays in ALARM.
        if (t > 0 && t % 60 == 0)
        {
            foreach (var alarm in _s.Alarms) Alarm(t, alarm);
            foreach (var tracking in _s.Tracking) Track(t, tracking);
        }
        RaiseByWorkers(t);
        Reconcile(t, MayRemove(t));
    }

    private void Alarm(int t, PlannedAlarm alarm)
    {
        var points = Datapoints(t, alarm.Period, alarm.EvaluationPeriods, (a, b) => Evaluate(alarm.Expression, alarm.Metrics, a, b));
        if (points.Count(v => Breaches(alarm.Comparison, v, alarm.Threshold)) < alarm.DatapointsToAlarm) return;
        var policy = alarm.Policy;
        // The breach size is the alarm's datapoints aggregated by the policy's metricAggregationType (PutScalingPolicy).
        var breach = Aggregate(policy.MetricAggregationType, [.. points.Where(v => !double.IsNaN(v))]) - alarm.Threshold;
        var step = policy.Steps.FirstOrDefault(s => (s.Lower is not { } l || breach >= l) && (s.Upper is not { } u || breach < u));
        if (step is null) return;
        var warmup = Warmup(policy.WarmupSeconds);
        // Scaling out, instances still warming up do not count toward the current capacity, so a breach that repeats
        // while they warm up asks for the same capacity again rather than adding to it.
        var current = step.Adjustment > 0 ? Desired - Warming(t, warmup) : Desired;
        var wanted = policy.AdjustmentType switch
        {
            "ExactCapacity" => step.Adjustment,
            "PercentChangeInCapacity" => current + (int)Math.Truncate(current * step.Adjustment / 100.0),
            "ChangeInCapacity" => current + step.Adjustment,
            var other => throw new InvalidOperationException($"{policy.Name}: adjustmentType {other} has no simulation model"),
        };
        // A change that adds never lowers desired, even when warming instances were left out of the current capacity.
        if (policy.AdjustmentType != "ExactCapacity" && step.Adjustment > 0) wanted = Math.Max(wanted, Desired);
        Apply(t, wanted, warmup, $"{alarm.Name} ({alarm.DatapointsToAlarm} of {alarm.EvaluationPeriods} datapoints of {alarm.Period} s, " +
            $"published {_p.MetricLagSeconds} s after each; {policy.MetricAggregationType} breach) → {policy.Name}");
    }

    private void Track(int t, PlannedTracking tracking)
    {
        var period = tracking.Expression is null ? _s.CpuPeriodSeconds ?? _p.BasicMonitoringPeriodSeconds : _p.MetricPeriodSeconds;
        Func<int, int, double> value = tracking.Expression is { } e
            ? (a, b) => Evaluate(e, tracking.Metrics, a, b)
            : (a, b) => Datapoint(Cpu, a, b);
        var warmup = Warmup(tracking.WarmupSeconds);
        var warm = Pool.Ready(t - warmup);
        var up = Datapoints(t, period, _p.TargetTrackingScaleOutDatapoints, value);
        if (up.All(v => v > tracking.Target) && warm > 0)
        {
            var wanted = Clamp((int)Math.Ceiling(warm * up[^1] / tracking.Target - 1e-9));
            if (wanted > Desired)
                Set(t, wanted, $"{tracking.Name} ({_p.TargetTrackingScaleOutDatapoints} datapoints of {period} s above target, published {_p.MetricLagSeconds} s after each)");
            return;
        }
        if (tracking.DisableScaleIn) return;
        var down = Datapoints(t, period, _p.TargetTrackingScaleInDatapoints, value);
        var ready = Pool.Ready(t);
        if (ready > 0 && down.All(v => v < tracking.Target))
        {
            var wanted = (int)Math.Ceiling(ready * down[^1] / tracking.Target - 1e-9);
            if (wanted < Desired)
                Apply(t, wanted, warmup, $"{tracking.Name} ({_p.TargetTrackingScaleInDatapoints} datapoints of {period} s below target)");
        }
    }

    /// <summary>Workers with MULTINODE_SCALE_OUT_SECONDS = n read in-flight work and the group every n seconds, each at
    /// its own phase, and raise desired to min(max, in-flight + spare) when it is higher (SetDesiredCapacity).</summary>
    private void RaiseByWorkers(int t)
    {
        if (_s.ScaleOutSeconds is not { } every || !Pool.AnyLooks(t, every)) return;
        var wanted = Math.Min(_s.Max, S.InFlight(t) + (_s.PerWorker?.SpareWorkers ?? 0));
        if (wanted > Desired) Set(t, wanted, $"a running worker raising desired (it looks every {every} s)");
    }

    /// <summary>Which instances a scale-in may terminate: any of a Service; none in service of a group protected from
    /// scale-in; a worker with its own cooldown keeps its instance protected while busy and until it has idled for the
    /// cooldown; otherwise the idle ones.</summary>
    private Func<Worker, bool> MayRemove(int t)
    {
        if (_loadBalanced) return _ => true;
        if (_s.ProtectFromScaleIn) return w => w.ReadyAt > t;
        if (_s.PerWorker is { } rule) return w => w.ReadyAt > t || !w.Busy && t - w.LastBusy >= rule.CooldownSeconds;
        return w => !w.Busy;
    }

    public override void Serve(int t)
    {
        if (S.Jobs is not null)
        {
            // One execution per instance, then the worker ends it: lowering desired, unless executions still wait
            // (then the group replaces it at once).
            var (ended, _) = ServeJobs(t, _s.MessageWaitSeconds);
            Set(t, Math.Max(0, Desired - ended), "workers ending themselves after their execution");
            Reconcile(t, MayRemove(t)); // the group replaces an instance that ended without lowering desired

        }
        else if (_loadBalanced) ServeCpu(t, _cpu, _s.VCpusPerInstance);
        else
        {
            ServeQueue(t);
            if (_s.PerWorker is { } rule)
                Set(t, Math.Max(_s.Min, Desired - Pool.EndIdle(t, S.InFlight(t), rule, _s.Min)), $"idle workers ending themselves after {rule.CooldownSeconds} s");
        }
    }
}
