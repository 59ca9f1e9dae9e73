namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// A deliberately simple model of the planned AWS Function's scaling, written from the documentation only
/// (docs/worker.md "Raising desired capacity", "Scale-in protection until the cooldown", "Per-worker cooldown";
/// docs/scaling.md "Function"; EC2 Auto Scaling User Guide: SetDesiredCapacity, TerminateInstanceInAutoScalingGroup
/// with ShouldDecrementDesiredCapacity, minSize as the floor). It shares no code with the simulator.
/// </summary>
public sealed class IndependentAwsModel(
    int minSize, int maxSize, int spare, int cooldown, int scaleOutSeconds, int boot)
{
    private sealed class Worker(int index, int serveAt)
    {
        public int Index { get; } = index;
        public int ServeAt { get; } = serveAt;
        public int LastInvocationEnd { get; set; } = serveAt;
        public int? LookAt { get; set; }
    }

    /// <summary>The confirm window: cooldown / 10 within 2..30 s (docs/worker.md).</summary>
    public int ConfirmWindow => Math.Clamp(cooldown / 10, 2, 30);

    /// <summary>Running workers per second and the idle seconds of every worker removed.</summary>
    public (int[] Running, List<int> RemovedIdle) Run(int[] demand)
    {
        var random = new Random(20);
        var workers = Enumerable.Range(0, minSize).Select(i => new Worker(i, 0)).ToList();
        var next = minSize;
        var desired = minSize;
        var running = new int[demand.Length];
        var removedIdle = new List<int>();
        for (var t = 0; t < demand.Length; t++)
        {
            var inFlight = demand[t];
            var serving = workers.Where(w => w.ServeAt <= t).ToList();
            // Work goes to the idle worker that has waited longest; an invocation lasts one second.
            var busy = serving.OrderBy(w => w.LastInvocationEnd).ThenBy(w => w.Index).Take(inFlight).ToHashSet();
            foreach (var w in busy) { w.LastInvocationEnd = t + 1; w.LookAt = null; }
            // Each running worker, at its own phase, raises desired to min(MaxSize, in flight + spare); never lowers.
            if (serving.Any(w => (t - w.ServeAt - w.Index % scaleOutSeconds) % scaleOutSeconds == 0))
                desired = Math.Max(desired, Math.Min(maxSize, inFlight + spare));
            // The group launches instances up to desired; each serves after the boot time.
            while (workers.Count < desired) workers.Add(new Worker(next++, t + boot));
            // A worker idle for cooldown looks; when in service > in flight + spare it pauses a random part of the
            // confirm window, looks again and, still over, ends its own instance (desired − 1, never below minSize).
            foreach (var w in serving.Where(w => !busy.Contains(w) && t - w.LastInvocationEnd >= cooldown))
            {
                var inService = workers.Count(x => x.ServeAt <= t);
                if (w.LookAt is null)
                    w.LookAt = inService > inFlight + spare ? t + random.Next(ConfirmWindow) : t + ConfirmWindow;
                else if (t >= w.LookAt)
                {
                    if (inService > inFlight + spare && workers.Count > minSize)
                    {
                        workers.Remove(w);
                        desired--;
                        removedIdle.Add(t - w.LastInvocationEnd);
                    }
                    else w.LookAt = t + ConfirmWindow;
                }
            }
            running[t] = workers.Count(w => w.ServeAt <= t);
        }
        return (running, removedIdle);
    }
}
