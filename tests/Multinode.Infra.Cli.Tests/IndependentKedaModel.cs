namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// A deliberately simple model of the planned Kubernetes Function's scaling (a KEDA ScaledObject with
/// minReplicaCount ≥ 1, so the HPA always acts), written from the Kubernetes docs ("Horizontal Pod Autoscaling":
/// desired = ⌈metric / target⌉ for an AverageValue metric, unchanged when metric / (target × current) is within
/// 1 ± tolerance, sync every 15 s, default scale-up policies max(100 %, 4 pods) per 15 s, the scale-down stabilization
/// window = the highest recommendation in it) and the KEDA docs (the formula `pending + processing + spare`, target 1).
/// It shares no code with the simulator.
/// </summary>
public sealed class IndependentKedaModel(int minReplicas, int maxReplicas, int spare, int stabilization, int sync,
    double tolerance, int podStart)
{
    /// <summary>Ready pods per second, and for each removal the most the pool needed (in flight + spare) in the
    /// cooldownPeriod before it next to the replicas it left.</summary>
    public (int[] Running, List<(int At, int Needed, int Left)> Removals) Run(int[] demand, int cooldown)
    {
        var pods = Enumerable.Repeat(0, minReplicas).ToList(); // the second each pod is ready
        var recommendations = new List<(int At, int Replicas)>();
        var running = new int[demand.Length];
        var removals = new List<(int, int, int)>();
        for (var t = 0; t < demand.Length; t++)
        {
            if (t % sync == 0)
            {
                var current = pods.Count;
                var ratio = (demand[t] + spare) / (1.0 * current);
                // ⌈metric / target⌉ with target 1 (computed on the metric, not as current × ratio, which rounds up
                // 17 × 20/17 to 21 in floating point).
                var recommended = Math.Abs(ratio - 1) <= tolerance ? current : demand[t] + spare;
                recommended = Math.Clamp(recommended, minReplicas, maxReplicas);
                recommendations.Add((t, recommended));
                recommendations.RemoveAll(r => r.At <= t - stabilization);
                // Scaling down: the highest recommendation within the stabilization window.
                var target = recommended < current
                    ? Math.Min(current, recommendations.Max(r => r.Replicas))
                    : recommended;
                // Scaling up: at most max(100 %, 4 pods) per 15 s period.
                target = Math.Min(target, Math.Max(2 * current, current + 4));
                while (pods.Count < target) pods.Add(t + podStart);
                if (pods.Count > target)
                {
                    var needed = Enumerable.Range(Math.Max(0, t - cooldown), Math.Min(cooldown, t) + 1)
                        .Max(s => demand[s]) + spare;
                    // Pods not ready go first (ReplicaSet: unscheduled, then not ready), then the ready ones.
                    pods = [.. pods.OrderByDescending(p => p).Skip(pods.Count - target)];
                    removals.Add((t, Math.Min(needed, maxReplicas), target));
                }
            }
            running[t] = pods.Count(p => p <= t);
        }
        return (running, removals);
    }
}
