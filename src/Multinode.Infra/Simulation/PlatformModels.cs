namespace Multinode.Infra.Simulation;

/// <summary>What one second of a workload looked like; the models read the past of these to decide. The per-second
/// arrays are rented from the shared pool and given back by <see cref="Release"/> once the timeline holds their changes,
/// so that a program of many workloads reuses them instead of leaving each on the large-object heap.</summary>
internal sealed class Signals(double[] demand, JobQueue? jobs = null)
{
    private static T[] Rent<T>(int length)
    {
        var array = System.Buffers.ArrayPool<T>.Shared.Rent(length);
        Array.Clear(array, 0, length);
        return array;
    }

    public double[] Demand { get; } = demand;
    /// <summary>The executions of a run-to-completion workload; null for the others.</summary>
    public JobQueue? Jobs { get; } = jobs;
    public int Length => Demand.Length;
    /// <summary>Workers launched (serving or booting): what is paid for.</summary>
    public int[] Launched { get; } = Rent<int>(demand.Length);
    public int[] Waiting { get; } = Rent<int>(demand.Length);
    public int[] Busy { get; } = Rent<int>(demand.Length);
    public int[] Ready { get; } = Rent<int>(demand.Length);
    public int[] Desired { get; } = Rent<int>(demand.Length);
    /// <summary>CPU utilisation in percent of what the platform measures against (instance vCPUs, pod request); NaN when nothing runs.</summary>
    public double[] Cpu { get; } = Rent<double>(demand.Length);
    public double[] Unserved { get; } = Rent<double>(demand.Length);

    /// <summary>Work in flight at second t: the queue's executions waiting or running for a Job, else the trace's demand.</summary>
    public int InFlight(int t) => Jobs?.InFlight ?? (int)Math.Ceiling(Demand[t] - 1e-9);

    /// <summary>Gives the arrays back to the pool; the signals are not read after this.</summary>
    public void Release()
    {
        foreach (var a in new[] { Launched, Waiting, Busy, Ready, Desired }) System.Buffers.ArrayPool<int>.Shared.Return(a);
        System.Buffers.ArrayPool<double>.Shared.Return(Cpu);
        System.Buffers.ArrayPool<double>.Shared.Return(Unserved);
    }
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

    /// <summary>Reconciles the pool to the desired count; an execution whose worker is removed goes back to the queue.</summary>
    protected void Reconcile(int t, Func<Worker, bool> mayRemove)
    {
        foreach (var w in Pool.Reconcile(t, Desired, StartSeconds, mayRemove))
            if (w.Current is { } e) S.Jobs!.Return(e);
    }

    /// <summary>Job workers take, run and finish executions. Returns (ended, ended while executions still waited).</summary>
    protected (int Ended, int EndedWhileWaiting) ServeJobs(int t, int? idleSeconds)
    {
        var queue = S.Jobs ?? throw new InvalidOperationException("a run-to-completion model needs the workload's executions");
        var (busy, ended, endedWhileWaiting) = Pool.ServeJobs(t, queue, idleSeconds);
        S.Busy[t] = busy;
        S.Waiting[t] = queue.Waiting;
        S.Unserved[t] = queue.Waiting;
        return (ended, endedWhileWaiting);
    }

    /// <summary>CPU demand served by the ready workers, each using at most <paramref name="capPerWorker"/> cores (the
    /// container's limit); utilisation is measured against <paramref name="measuredPerWorker"/> (the instance's vCPUs, the
    /// pod's request).</summary>
    protected void ServeCpu(int t, double capPerWorker, double measuredPerWorker)
    {
        var ready = Pool.Ready(t);
        var used = ready == 0 ? 0 : Math.Min(capPerWorker, S.Demand[t] / ready);
        S.Unserved[t] = Math.Max(0, S.Demand[t] - ready * used);
        S.Busy[t] = S.Demand[t] > 0 ? ready : 0;
        S.Cpu[t] = ready == 0 ? double.NaN : 100 * used / measuredPerWorker;
    }
}
