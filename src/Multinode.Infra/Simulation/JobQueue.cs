namespace Multinode.Infra.Simulation;

/// <summary>One execution of a run-to-completion workload: enqueued at <see cref="Arrival"/>, it runs
/// <see cref="Duration"/> seconds once a worker takes it.</summary>
internal sealed class Execution(int arrival, int duration)
{
    public int Arrival { get; } = arrival;
    public int Duration { get; } = duration;
    public int Start { get; set; } = -1;
}

/// <summary>
/// The queue of a run-to-completion workload (a Job): executions arrive as the trace enqueues them, wait in arrival
/// order, and each is run by one worker for its duration (SQS and Redis both hand the oldest message to the next
/// receiver that asks, on average). Executions are never dropped: one whose worker is removed while running goes
/// back to the head of the queue, as its message becomes visible again.
/// </summary>
internal sealed class JobQueue
{
    private readonly List<Execution>[] _arrivals;
    private readonly LinkedList<Execution> _waiting = new();
    private readonly List<int> _waits = [];

    public JobQueue(int length, IEnumerable<(int Seconds, int Count, int Duration)> arrivals)
    {
        _arrivals = new List<Execution>[length];
        foreach (var (seconds, count, duration) in arrivals)
        {
            if (seconds >= length) continue;
            var at = _arrivals[seconds] ??= [];
            for (var i = 0; i < count; i++) at.Add(new Execution(seconds, duration));
        }
    }

    public int Enqueued { get; private set; }
    public int Completed { get; private set; }
    public int Running { get; private set; }
    public int Waiting => _waiting.Count;
    public int InFlight => Waiting + Running;

    /// <summary>Seconds each completed execution waited from its arrival to its start, in completion order.</summary>
    public IReadOnlyList<int> Waits => _waits;

    /// <summary>Enqueues the executions that arrive at second t.</summary>
    public void Arrive(int t)
    {
        if (_arrivals[t] is not { } arriving) return;
        foreach (var e in arriving) _waiting.AddLast(e);
        Enqueued += arriving.Count;
    }

    /// <summary>The oldest waiting execution, started at t; null when none waits.</summary>
    public Execution? Take(int t)
    {
        if (_waiting.First?.Value is not { } first) return null;
        _waiting.RemoveFirst();
        first.Start = t;
        Running++;
        return first;
    }

    public void Complete(Execution e)
    {
        Running--;
        Completed++;
        _waits.Add(e.Start - e.Arrival);
    }

    /// <summary>An execution whose worker went before it finished: its message becomes visible again.</summary>
    public void Return(Execution e)
    {
        Running--;
        e.Start = -1;
        _waiting.AddFirst(e);
    }

    /// <summary>Executions waiting or running at each second of an ideal queue with <paramref name="workers"/>
    /// workers that start the moment an execution arrives: Multinode's rule for a Job (DESIGN section 1).</summary>
    public static double[] IdealInFlight(int length, int workers, IEnumerable<(int Seconds, int Count, int Duration)> arrivals)
    {
        var inFlight = new double[length];
        var waiting = new Queue<int>();
        var ends = new PriorityQueue<int, int>();
        var byTime = arrivals.GroupBy(a => a.Seconds).ToDictionary(g => g.Key, g => g.ToList());
        for (var t = 0; t < length; t++)
        {
            while (ends.TryPeek(out var end, out _) && end <= t) ends.Dequeue();
            if (byTime.TryGetValue(t, out var now))
                foreach (var a in now)
                    for (var i = 0; i < a.Count; i++) waiting.Enqueue(a.Duration);
            while (waiting.Count > 0 && ends.Count < workers)
            {
                var d = waiting.Dequeue();
                ends.Enqueue(t + d, t + d);
            }
            inFlight[t] = waiting.Count + ends.Count;
        }
        return inFlight;
    }
}
