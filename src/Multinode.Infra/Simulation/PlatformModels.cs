using Multinode.Infra.Workloads;

namespace Multinode.Infra.Simulation;

/// <summary>What one second of a workload looked like; the models read the past of these to decide.</summary>
internal sealed class Signals(double[] demand)
{
    public double[] Demand { get; } = demand;
    public int Length => Demand.Length;
    public int[] Waiting { get; } = new int[demand.Length];
    public int[] Busy { get; } = new int[demand.Length];
    public int[] Ready { get; } = new int[demand.Length];
    public int[] Desired { get; } = new int[demand.Length];
    /// <summary>CPU utilisation in percent of what the platform measures against (instance vCPUs, pod request); NaN when nothing runs.</summary>
    public double[] Cpu { get; } = new double[demand.Length];
    public double[] Unserved { get; } = new double[demand.Length];

    public int InFlight(int t) => (int)Math.Ceiling(Demand[t] - 1e-9);
}

/// <summary>One change of a platform's desired worker count and the mechanism that made it.</summary>
public sealed record Decision(int Seconds, int From, int To, string Mechanism);

/// <summary>A platform's autoscaling of one workload, driven second by second.</summary>
internal abstract class PlatformModel(Signals signals, WorkerPool pool, int startSeconds, int invocationSeconds)
{
    protected Signals S { get; } = signals;
    protected WorkerPool Pool { get; } = pool;
    protected int StartSeconds { get; } = startSeconds;
    private readonly List<Decision> _decisions = [];

    public int Desired { get; protected set; }

    /// <summary>Every change of the desired count with the mechanism that made it, in time order.</summary>
    public IReadOnlyList<Decision> Decisions => _decisions;

    /// <summary>Sets the desired count, remembering which mechanism did it.</summary>
    protected void Set(int t, int desired, string mechanism)
    {
        if (desired == Desired) return;
        _decisions.Add(new Decision(t, Desired, desired, mechanism));
        Desired = desired;
    }

    /// <summary>What the platform decides at second t from what it has observed so far.</summary>
    public abstract void Decide(int t);

    /// <summary>Workers serve the demand of second t; workers that end themselves lower the desired count.</summary>
    public abstract void Serve(int t);

    /// <summary>Why scale-out lags, in words.</summary>
    public abstract string ScaleOutDelay { get; }

    /// <summary>Why scale-in waits, in words.</summary>
    public abstract string ScaleInDelay { get; }

    /// <summary>What starting a worker takes, in words.</summary>
    public string StartWords => $"start-up ({StartSeconds} s)";

    protected void ServeQueue(int t)
    {
        var inFlight = S.InFlight(t);
        var busy = Pool.Serve(t, inFlight, invocationSeconds);
        S.Busy[t] = busy;
        S.Waiting[t] = inFlight - busy;
        S.Unserved[t] = Math.Max(0, S.Demand[t] - busy);
    }

    protected void ServeJobs(int t, int? idleSeconds)
    {
        var inFlight = S.InFlight(t);
        var (busy, ended) = Pool.ServeJobs(t, inFlight, idleSeconds);
        Set(t, Math.Max(0, Desired - ended), "workers ending themselves after their execution");
        S.Busy[t] = busy;
        S.Waiting[t] = inFlight - busy;
        S.Unserved[t] = Math.Max(0, S.Demand[t] - busy);
    }

    protected void ServeCpu(int t, double cpuPerWorker, double measuredPerWorker)
    {
        var ready = Pool.Ready(t);
        S.Unserved[t] = Math.Max(0, S.Demand[t] - ready * cpuPerWorker);
        S.Cpu[t] = ready == 0 ? double.NaN : 100 * Math.Min(1, S.Demand[t] / (ready * measuredPerWorker));
    }
}

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

/// <summary>The HPA's decision step: stabilisation windows, then the behavior's rate limits, then min and max.</summary>
internal sealed class Hpa(HpaBehavior behavior, int min, int max)
{
    private readonly List<(int T, int Replicas)> _recommendations = [];

    public int Step(int t, int current, int recommendation)
    {
        recommendation = Math.Clamp(recommendation, min, max);
        _recommendations.Add((t, recommendation));
        var keep = Math.Max(behavior.ScaleUp.StabilizationWindowSeconds, behavior.ScaleDown.StabilizationWindowSeconds);
        _recommendations.RemoveAll(r => r.T < t - keep);
        var up = _recommendations.Where(r => r.T > t - behavior.ScaleUp.StabilizationWindowSeconds || r.T == t).Min(r => r.Replicas);
        var down = _recommendations.Where(r => r.T > t - behavior.ScaleDown.StabilizationWindowSeconds || r.T == t).Max(r => r.Replicas);
        var desired = current < up ? up : down < current ? down : current;
        if (desired > current) desired = Math.Min(desired, Limit(behavior.ScaleUp, current, +1));
        else if (desired < current) desired = Math.Max(desired, Limit(behavior.ScaleDown, current, -1));
        return Math.Clamp(desired, min, max);
    }

    /// <summary>The mechanism in words, for a scale-up or a scale-down.</summary>
    public string Words(bool up, int sync) => up
        ? $"the HPA (sync every {sync} s, scale-up stabilisation {behavior.ScaleUp.StabilizationWindowSeconds} s and rate policies)"
        : $"the HPA (sync every {sync} s, scale-down stabilisation {behavior.ScaleDown.StabilizationWindowSeconds} s)";

    private static int Limit(HpaRules rules, int current, int direction)
    {
        if (rules.SelectPolicy == "Disabled" || rules.Policies.Count == 0) return current;
        var limits = rules.Policies.Select(p => p.Type == "Percent"
            ? direction > 0 ? (int)Math.Ceiling(current * (1 + p.Value / 100.0)) : (int)Math.Floor(current * (1 - p.Value / 100.0))
            : current + direction * p.Value).ToList();
        var widest = direction > 0 ? limits.Max() : limits.Min();
        var narrowest = direction > 0 ? limits.Min() : limits.Max();
        return rules.SelectPolicy == "Min" ? narrowest : widest;
    }
}

/// <summary>KEDA ScaledObject + its HPA: KEDA activates 0 → 1 and deactivates after cooldownPeriod at its polling
/// interval; the HPA syncs every <see cref="PlatformParameters.HpaSyncSeconds"/> on the scalingModifiers formula.</summary>
internal sealed class KedaModel : PlatformModel
{
    private readonly KedaScaling _s;
    private readonly PlatformParameters _p;
    private readonly Hpa _hpa;
    private int _lastActive = int.MinValue / 2;

    public KedaModel(Signals signals, WorkerPool pool, KedaScaling scaling, PlatformParameters p) : base(signals, pool, p.PodStartSeconds, p.InvocationSeconds)
    {
        _s = scaling;
        _p = p;
        _hpa = new Hpa(scaling.Behavior, Math.Max(1, scaling.Min), scaling.Max);
        Desired = pool.Count;
    }

    public static int Initial(KedaScaling s) => s.Min;

    public override string ScaleOutDelay => $"the HPA's {_p.HpaSyncSeconds} s sync and its scale-up policies" + (_s.Min == 0 ? $", KEDA's {_s.PollingSeconds} s polling from zero" : "");

    public override string ScaleInDelay =>
        $"the HPA keeps the highest recommendation of the last {_s.Behavior.ScaleDown.StabilizationWindowSeconds} s (scaleDown.stabilizationWindowSeconds)" +
        (_s.Min == 0 ? $"; KEDA scales to zero {_s.CooldownSeconds} s after the last activity" : "") +
        (_s.PerWorker is not null ? "; the worker sidecar only orders which pod goes" : "");

    private double Metric(int t)
    {
        var inFlight = S.InFlight(t);
        var processing = t > 0 ? Math.Min(S.Busy[t - 1], inFlight) : 0;
        return Expression.Evaluate(_s.Formula, name => _s.Triggers.FirstOrDefault(tr => tr.Name == name)?.Signal switch
        {
            QueueSignal.Waiting => inFlight - processing,
            QueueSignal.Processing => processing,
            QueueSignal.InFlight => inFlight,
            _ => double.NaN,
        });
    }

    public override void Decide(int t)
    {
        var metric = Metric(t);
        if (t % _s.PollingSeconds == 0)
        {
            if (metric > 0) _lastActive = t;
            if (Desired == 0 && metric > 0) Set(t, 1, $"KEDA activation (polling every {_s.PollingSeconds} s)");
            else if (Desired > 0 && _s.Min == 0 && metric <= 0 && t - _lastActive >= _s.CooldownSeconds) Set(t, 0, $"KEDA cooldownPeriod ({_s.CooldownSeconds} s since the last active poll)");
        }
        if (Desired > 0 && t % _p.HpaSyncSeconds == 0)
        {
            var ratio = metric / (_s.Target * Desired);
            var recommendation = Math.Abs(ratio - 1) <= _p.HpaTolerance ? Desired : (int)Math.Ceiling(metric / _s.Target - 1e-9);
            Set(t, _hpa.Step(t, Desired, recommendation), _hpa.Words(recommendation > Desired, _p.HpaSyncSeconds));
        }
        Pool.Reconcile(t, Desired, StartSeconds, removeBusy: false);
    }

    public override void Serve(int t) => ServeQueue(t);
}

/// <summary>KEDA ScaledJob: at every polling interval it starts min(max, in-flight) − existing Jobs ("default" strategy).</summary>
internal sealed class KedaJobModel(Signals signals, WorkerPool pool, KedaJobScaling scaling, PlatformParameters p)
    : PlatformModel(signals, pool, p.PodStartSeconds, p.InvocationSeconds)
{
    public override string ScaleOutDelay => $"KEDA's {scaling.PollingSeconds} s polling";

    public override string ScaleInDelay => "each Job ends after its execution";

    public override void Decide(int t)
    {
        if (t % scaling.PollingSeconds == 0)
        {
            // "default": Jobs to start = min(max, in-flight) − Jobs that exist, since the metric counts their work too.
            Set(t, Math.Max(Pool.Count, Math.Min(scaling.Max, S.InFlight(t))), $"KEDA ScaledJob (polling every {scaling.PollingSeconds} s)");
        }
        Pool.Reconcile(t, Desired, StartSeconds, removeBusy: false);
    }

    public override void Serve(int t)
    {
        ServeJobs(t, scaling.IdleSeconds);
        Set(t, Pool.Count, "Jobs ending after their execution");
    }
}

/// <summary>The HPA on CPU: ready pods' usage against the request, unready pods counted at 0 % when scaling up.</summary>
internal sealed class HpaCpuModel : PlatformModel
{
    private readonly HpaCpuScaling _s;
    private readonly PlatformParameters _p;
    private readonly Hpa _hpa;

    public HpaCpuModel(Signals signals, WorkerPool pool, HpaCpuScaling scaling, PlatformParameters p) : base(signals, pool, p.PodStartSeconds, p.InvocationSeconds)
    {
        _s = scaling;
        _p = p;
        _hpa = new Hpa(scaling.Behavior, scaling.Min, scaling.Max);
        Desired = pool.Count;
    }

    public override string ScaleOutDelay => $"the HPA's {_p.HpaSyncSeconds} s sync, at most max(100 %, 4 pods) more per 15 s, and pods counted only once ready";

    public override string ScaleInDelay => $"the HPA keeps the highest recommendation of the last {_s.Behavior.ScaleDown.StabilizationWindowSeconds} s";

    public override void Decide(int t)
    {
        var ready = Pool.Ready(t);
        if (t % _p.HpaSyncSeconds == 0 && ready > 0 && t > 0)
        {
            var usage = S.Cpu[t - 1];
            if (!double.IsNaN(usage))
            {
                var ratio = ready * usage / (Desired * _s.TargetUtilization);
                var recommendation = Math.Abs(ratio - 1) <= _p.HpaTolerance ? Desired : (int)Math.Ceiling(ready * usage / _s.TargetUtilization - 1e-9);
                Set(t, _hpa.Step(t, Desired, recommendation), _hpa.Words(recommendation > Desired, _p.HpaSyncSeconds));
            }
        }
        Pool.Reconcile(t, Desired, StartSeconds, removeBusy: true);
    }

    public override void Serve(int t) => ServeCpu(t, _s.CpuPerPod, _s.CpuPerPod);
}
