namespace Multinode.Infra.Simulation;

/// <summary>One worker (instance or pod): when it serves, when it last worked, whether it holds work now.</summary>
internal sealed class Worker(int readyAt)
{
    public int ReadyAt { get; } = readyAt;
    public int LastBusy { get; set; } = readyAt;
    public bool Busy { get; set; }
    /// <summary>A job worker has taken its one execution.</summary>
    public bool Executed { get; set; }
}

/// <summary>The workers of one workload; the platform sets how many there should be, the pool launches and removes.</summary>
internal sealed class WorkerPool
{
    private readonly List<Worker> _workers = [];

    /// <summary>How long before the trace the initial workers started: long enough to be past any warm-up.</summary>
    public const int InitialAge = 1_000_000;

    public WorkerPool(int initial)
    {
        for (var i = 0; i < initial; i++) _workers.Add(new Worker(-InitialAge));
    }

    public int Count => _workers.Count;

    public int Ready(int t) => _workers.Count(w => w.ReadyAt <= t);

    public int BusyCount => _workers.Count(w => w.Busy);

    /// <summary>Launches or removes workers until there are <paramref name="target"/>: pending ones go first (newest
    /// first), then idle ones (longest idle first), busy ones only when <paramref name="removeBusy"/>.</summary>
    public void Reconcile(int t, int target, int startSeconds, bool removeBusy)
    {
        for (var i = _workers.Count; i < target; i++) _workers.Add(new Worker(t + startSeconds));
        var excess = _workers.Count - target;
        if (excess <= 0) return;
        var order = _workers
            .Select((w, i) => (w, i))
            .Where(x => removeBusy || !x.w.Busy)
            .OrderBy(x => x.w.ReadyAt <= t ? 1 : 0).ThenByDescending(x => x.w.ReadyAt > t ? x.w.ReadyAt : 0)
            .ThenBy(x => x.w.Busy ? 1 : 0).ThenBy(x => x.w.LastBusy).ThenBy(x => x.i)
            .Take(excess).Select(x => x.w).ToList();
        foreach (var w in order) _workers.Remove(w);
    }

    /// <summary>Queue workers (one invocation at a time each) take <paramref name="demand"/> in-flight invocations;
    /// workers already busy stay busy, more come from the most recently busy idle ones. Returns how many are busy.</summary>
    public int Serve(int t, int demand)
    {
        var ready = _workers.Where(w => w.ReadyAt <= t).ToList();
        var busy = Math.Min(demand, ready.Count);
        var keep = ready.Where(w => w.Busy).OrderByDescending(w => w.LastBusy).Take(busy).ToHashSet();
        foreach (var w in ready.OrderByDescending(w => w.LastBusy).Where(w => !keep.Contains(w)))
        {
            if (keep.Count >= busy) break;
            keep.Add(w);
        }
        foreach (var w in _workers)
        {
            w.Busy = keep.Contains(w);
            if (w.Busy) w.LastBusy = t;
        }
        return busy;
    }

    /// <summary>Job workers: each takes one execution and ends when it finishes. <paramref name="demand"/> is executions
    /// waiting or running; a drop means executions finished. Workers that found nothing within
    /// <paramref name="idleSeconds"/> of starting end too. Returns (busy, ended).</summary>
    public (int Busy, int Ended) ServeJobs(int t, int demand, int? idleSeconds)
    {
        var ended = 0;
        var busy = _workers.Where(w => w.Busy).OrderBy(w => w.ReadyAt).ToList();
        for (var i = demand; i < busy.Count; i++)
        {
            _workers.Remove(busy[i]);
            ended++;
        }
        var running = Math.Min(demand, busy.Count);
        foreach (var w in _workers.Where(w => w.ReadyAt <= t && !w.Busy && !w.Executed).OrderBy(w => w.ReadyAt).ToList())
        {
            if (running >= demand) break;
            w.Busy = w.Executed = true;
            w.LastBusy = t;
            running++;
        }
        if (idleSeconds is { } idle)
        {
            foreach (var w in _workers.Where(w => !w.Busy && !w.Executed && w.ReadyAt <= t && t - w.ReadyAt >= idle).ToList())
            {
                _workers.Remove(w);
                ended++;
            }
        }
        return (running, ended);
    }

    /// <summary>The worker sidecar's rule: idle workers past <paramref name="rule"/>'s cooldown end themselves, one at a
    /// time, while more are in service than in-flight + spare and the group stays at or above <paramref name="min"/>.
    /// Returns how many ended.</summary>
    public int EndIdle(int t, int inFlight, WorkerRule rule, int min)
    {
        var ended = 0;
        foreach (var w in _workers.Where(w => w.ReadyAt <= t && !w.Busy && t - w.LastBusy > rule.CooldownSeconds).OrderBy(w => w.LastBusy).ToList())
        {
            if (Ready(t) <= inFlight + rule.SpareWorkers || _workers.Count <= min) break;
            _workers.Remove(w);
            ended++;
        }
        return ended;
    }
}
