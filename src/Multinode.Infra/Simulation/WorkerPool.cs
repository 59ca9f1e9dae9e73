namespace Multinode.Infra.Simulation;

/// <summary>One worker (instance or pod): when it serves, when it last worked, whether it holds work now.</summary>
internal sealed class Worker(int launchedAt, int readyAt, int number)
{
    /// <summary>The second it was launched (instance requested, pod created): from here it is paid for.</summary>
    public int LaunchedAt { get; } = launchedAt;
    public int ReadyAt { get; } = readyAt;
    /// <summary>Launch order within the pool, from 0: picks the worker's confirmation pause (<see cref="WorkerPool.Jitter"/>).</summary>
    public int Number { get; } = number;
    public int LastBusy { get; set; } = readyAt;
    public bool Busy { get; set; }
    /// <summary>The second its current invocation ends.</summary>
    public int BusyUntil { get; set; }
    /// <summary>The worker sidecar's cooldown (CooldownPolicy): a first look found the group over-provisioned.</summary>
    public bool Confirming { get; set; }
    /// <summary>The next second the worker sidecar looks at the group.</summary>
    public int NextCheck { get; set; } = int.MinValue;
    /// <summary>A job worker has taken its one execution.</summary>
    public bool Executed { get; set; }
    /// <summary>The execution a job worker runs.</summary>
    public Execution? Current { get; set; }
}

/// <summary>The workers of one workload; the platform sets how many there should be, the pool launches and removes.</summary>
internal sealed class WorkerPool
{
    private readonly List<Worker> _workers = [];
    private readonly List<WorkerRemoval> _removals = [];
    private int _launched;
    private bool _anyBusy;

    /// <summary>How long before the trace the initial workers started: long enough to be past any warm-up.</summary>
    public const int InitialAge = 1_000_000;

    public WorkerPool(int initial)
    {
        for (var i = 0; i < initial; i++) _workers.Add(new Worker(-InitialAge, -InitialAge, _launched++));
    }

    public int Count => _workers.Count;

    /// <summary>Every serving worker removed by the platform or ending itself while idle, in time order.</summary>
    public IReadOnlyList<WorkerRemoval> Removals => _removals;

    /// <summary>Removes a worker, remembering how long a serving one had been idle (0 while busy); a worker still
    /// booting never served and is not a removal of a worker.</summary>
    private void Remove(Worker w, int t, bool byGroup)
    {
        _workers.Remove(w);
        if (w.ReadyAt <= t) _removals.Add(new WorkerRemoval(t, w.Busy ? 0 : t - w.LastBusy, byGroup));
    }

    public int Ready(int t)
    {
        var ready = 0;
        foreach (var w in _workers)
            if (w.ReadyAt <= t) ready++;
        return ready;
    }

    public int BusyCount => _workers.Count(w => w.Busy);

    /// <summary>Workers launched but not yet serving at second t.</summary>
    public int Booting(int t) => _workers.Count(w => w.ReadyAt > t);

    /// <summary>Launches or removes workers until there are <paramref name="target"/>: pending ones go first (newest
    /// first), then idle ones (longest idle first), then busy ones; only those <paramref name="mayRemove"/> allows (a
    /// protected instance stays until its protection ends, above the target meanwhile). Returns the workers removed.</summary>
    public List<Worker> Reconcile(int t, int target, int startSeconds, Func<Worker, bool> mayRemove)
    {
        for (var i = _workers.Count; i < target; i++) _workers.Add(new Worker(t, t + startSeconds, _launched++));
        var excess = _workers.Count - target;
        if (excess <= 0) return [];
        var order = _workers
            .Select((w, i) => (w, i))
            .Where(x => mayRemove(x.w))
            .OrderBy(x => x.w.ReadyAt <= t ? 1 : 0).ThenByDescending(x => x.w.ReadyAt > t ? x.w.ReadyAt : 0)
            .ThenBy(x => x.w.Busy ? 1 : 0).ThenBy(x => x.w.LastBusy).ThenBy(x => x.i)
            .Take(excess).Select(x => x.w).ToList();
        foreach (var w in order) Remove(w, t, byGroup: true);
        return order;
    }

    /// <summary>Queue workers (one invocation at a time each) keep <paramref name="demand"/> invocations in flight, each
    /// <paramref name="invocationSeconds"/> long. A worker keeps its invocation until it ends (when demand drops, the
    /// invocations nearest their end finish first); each new one goes to the idle worker that has waited longest, as
    /// Redis serves clients blocked in BLMOVE (and SQS spreads messages over its pollers, on average). Returns how many are busy.</summary>
    public int Serve(int t, int demand, int invocationSeconds)
    {
        if (demand == 0 && !_anyBusy) return 0; // nothing in flight and nothing held: no worker changes
        _anyBusy = demand > 0;
        var ready = _workers.Where(w => w.ReadyAt <= t).ToList();
        var busy = Math.Min(demand, ready.Count);
        var keep = ready.Where(w => w.Busy && w.BusyUntil > t).OrderByDescending(w => w.BusyUntil).ThenBy(w => w.Number).Take(busy).ToHashSet();
        foreach (var w in ready.Where(w => !keep.Contains(w)).OrderBy(w => w.Busy ? 1 : 0).ThenBy(w => w.LastBusy).ThenBy(w => w.Number))
        {
            if (keep.Count >= busy) break;
            w.BusyUntil = t + invocationSeconds;
            keep.Add(w);
        }
        foreach (var w in _workers)
        {
            w.Busy = keep.Contains(w);
            if (!w.Busy) continue;
            w.LastBusy = t;
            w.Confirming = false;
            w.NextCheck = int.MinValue;
        }
        return busy;
    }

    /// <summary>Job workers: each ready worker takes one execution from <paramref name="queue"/> (the oldest waiting,
    /// the worker ready longest first), runs it for its duration and ends. A worker that found nothing within
    /// <paramref name="idleSeconds"/> of starting ends too. Returns how many are busy, and the workers that ended with
    /// whether the queue still held waiting executions when each ended.</summary>
    public (int Busy, int Ended, int EndedWhileWaiting) ServeJobs(int t, JobQueue queue, int? idleSeconds)
    {
        int ended = 0, endedWhileWaiting = 0;
        foreach (var w in _workers.Where(w => w.Current is { } e && e.Start + e.Duration <= t).ToList())
        {
            queue.Complete(w.Current!);
            w.Current = null;
            w.Busy = false;
            _workers.Remove(w);
            if (queue.Waiting > 0) endedWhileWaiting++;
            else ended++;
        }
        foreach (var w in _workers.Where(w => w.ReadyAt <= t && !w.Executed).OrderBy(w => w.ReadyAt).ThenBy(w => w.Number))
        {
            if (queue.Take(t) is not { } e) break;
            w.Current = e;
            w.Busy = w.Executed = true;
            w.LastBusy = t;
        }
        if (idleSeconds is { } idle)
        {
            foreach (var w in _workers.Where(w => !w.Executed && w.ReadyAt <= t && t - w.ReadyAt >= idle).ToList())
            {
                Remove(w, t, byGroup: false);
                ended++;
            }
        }
        return (queue.Running, ended, endedWhileWaiting);
    }

    /// <summary>Whether a ready worker that looks every <paramref name="every"/> seconds, at its own phase
    /// (<see cref="Jitter"/> × the interval after it became ready), looks at second t.</summary>
    public bool AnyLooks(int t, int every) => _workers.Any(w => w.ReadyAt <= t &&
        ((t - w.ReadyAt - (int)(Jitter(w.Number) * every)) % every + every) % every == 0);

    /// <summary>The HPA's grouping of pods at second t: counted are those ready whose metric window lies after they
    /// became ready, or that started more than <paramref name="initialization"/> seconds ago and are ready; the rest
    /// (not ready, or ready too recently within their initialization period) are set aside.</summary>
    public (int Counted, int SetAside) Classify(int t, int initialization, int window)
    {
        var counted = _workers.Count(w => w.ReadyAt <= t && (t - w.LaunchedAt >= initialization || w.ReadyAt <= t - window));
        return (counted, _workers.Count - counted);
    }

    /// <summary>A worker's confirmation pause as a fraction of the confirm window: the worker sidecar draws it at random;
    /// the simulation spreads it evenly and deterministically over the workers by launch order (golden-ratio sequence).</summary>
    public static double Jitter(int number) => (number + 1) * 0.6180339887498949 % 1;

    /// <summary>The worker sidecar's cooldown on AWS (src/Multinode.Worker/Decisions/CooldownPolicy.cs), one worker at a
    /// time: a worker idle for at least the cooldown reads the group's in-service count and the queue's in-flight count;
    /// if in service &gt; in flight + spare it looks again after a pause of <see cref="Jitter"/> × the confirm window and,
    /// still over, ends its instance — refused at the group's <paramref name="min"/>; otherwise it looks again a confirm
    /// window later. Returns how many ended.</summary>
    public int EndIdle(int t, int inFlight, WorkerRule rule, int min)
    {
        var ended = 0;
        if (!_workers.Exists(w => w.ReadyAt <= t && !w.Busy && t - w.LastBusy > rule.CooldownSeconds && t >= w.NextCheck)) return 0;
        foreach (var w in _workers.Where(w => w.ReadyAt <= t && !w.Busy && t - w.LastBusy > rule.CooldownSeconds && t >= w.NextCheck)
                     .OrderBy(w => w.NextCheck).ThenBy(w => w.LastBusy).ThenBy(w => w.Number).ToList())
        {
            if (Ready(t) <= inFlight + rule.SpareWorkers)
            {
                w.Confirming = false;
                w.NextCheck = t + rule.ConfirmSeconds;
            }
            else if (!w.Confirming)
            {
                w.Confirming = true;
                w.NextCheck = t + (int)Math.Round(rule.ConfirmSeconds * Jitter(w.Number));
                if (w.NextCheck > t) continue;
                Terminate(w);
            }
            else Terminate(w);
        }
        return ended;

        void Terminate(Worker w)
        {
            if (_workers.Count <= min)
            {
                w.Confirming = false;
                w.NextCheck = t + rule.ConfirmSeconds;
                return;
            }
            Remove(w, t, byGroup: false);
            ended++;
        }
    }
}
