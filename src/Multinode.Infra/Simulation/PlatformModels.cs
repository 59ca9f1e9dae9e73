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
