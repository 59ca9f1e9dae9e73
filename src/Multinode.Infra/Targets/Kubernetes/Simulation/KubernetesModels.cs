namespace Multinode.Infra.Simulation;

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
            null => throw new InvalidOperationException($"the formula \"{_s.Formula}\" names \"{name}\", which is no trigger of the ScaledObject"),
            var other => throw new InvalidOperationException($"trigger signal {other} has no simulation model"),
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
        Reconcile(t, w => !w.Busy);
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
            Set(t, Math.Max(Pool.Count, Math.Min(scaling.Max, QueueLength(t))), $"KEDA ScaledJob (polling every {scaling.PollingSeconds} s)");
        }
        Reconcile(t, w => !w.Busy);
    }

    public override void Serve(int t)
    {
        ServeJobs(t, scaling.IdleSeconds);
        Set(t, Pool.Count, "Jobs ending after their execution");
    }

    /// <summary>The ScaledJob's queue length: its triggers' signals summed.</summary>
    private int QueueLength(int t)
    {
        var q = S.Jobs!;
        return scaling.Triggers.Sum(tr => tr.Signal switch
        {
            QueueSignal.Waiting => q.Waiting,
            QueueSignal.Processing => q.Running,
            QueueSignal.InFlight => q.InFlight,
            var other => throw new InvalidOperationException($"trigger signal {other} has no simulation model"),
        });
    }
}

/// <summary>The HPA on CPU (Kubernetes "Horizontal Pod Autoscaling", algorithm details): utilisation is the pods' usage
/// over their request, averaged over a metric window. A pod within its CPU initialization period counts only once it is
/// ready and its whole metric window lies after it became ready; the others are set aside, and when the ratio asks to
/// scale up they are counted at 0 % and the ratio recomputed (no scaling when that reverses the direction or falls
/// within the tolerance). A container uses at most its CPU limit.</summary>
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

    public override string ScaleOutDelay =>
        $"the HPA's {_p.HpaSyncSeconds} s sync, at most max(100 %, 4 pods) more per 15 s, and new pods' CPU set aside until " +
        $"ready for a {_p.PodMetricWindowSeconds} s metric window";

    public override string ScaleInDelay => $"the HPA keeps the highest recommendation of the last {_s.Behavior.ScaleDown.StabilizationWindowSeconds} s";

    public override void Decide(int t)
    {
        if (t % _p.HpaSyncSeconds == 0 && t > 0) Sync(t);
        Reconcile(t, _ => true);
    }

    private void Sync(int t)
    {
        var window = _p.PodMetricWindowSeconds;
        var (counted, setAside) = Pool.Classify(t, _p.HpaCpuInitializationSeconds, window);
        if (counted == 0) return;
        double sum = 0;
        var n = 0;
        for (var s = Math.Max(0, t - window); s < t; s++)
        {
            if (double.IsNaN(S.Cpu[s])) continue;
            sum += S.Cpu[s];
            n++;
        }
        if (n == 0) return;
        var ratio = sum / n / _s.TargetUtilization;
        int recommendation;
        if (setAside == 0 || ratio <= 1)
            recommendation = Math.Abs(ratio - 1) <= _p.HpaTolerance ? Desired : (int)Math.Ceiling(ratio * counted - 1e-9);
        else
        {
            var all = counted + setAside;
            var recomputed = ratio * counted / all;
            recommendation = Math.Abs(recomputed - 1) <= _p.HpaTolerance || recomputed < 1 ? Desired
                : Math.Max(Desired, (int)Math.Ceiling(recomputed * all - 1e-9));
        }
        Set(t, _hpa.Step(t, Desired, recommendation), _hpa.Words(recommendation > Desired, _p.HpaSyncSeconds));
    }

    public override void Serve(int t) => ServeCpu(t, _s.CpuLimit ?? double.PositiveInfinity, _s.CpuPerPod);
}
