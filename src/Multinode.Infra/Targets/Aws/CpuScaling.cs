namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// A Service's CPU target on EC2 Auto Scaling (docs/scaling.md, "Service"). The promise is the Kubernetes one:
/// utilisation is the container's CPU use over its declared <c>resources.cpu</c>, and the group holds it at
/// targetCpuUtilization. The container runs with <c>docker run --cpus &lt;cpu&gt;</c> on an instance of V vCPUs, while
/// the metric AWS offers, <c>ASGAverageCPUUtilization</c>, is the average of the instances' EC2
/// <c>CPUUtilization</c>: the percentage of the instance's V vCPUs in use. A container using u cores reads as
/// 100 × u / V, so the target is stated in the instance's terms:
/// <code>targetValue = 100 × targetCpuUtilization × cpu / V</code>
/// Target tracking then sets capacity ≈ in service × metric / target = in service × u / (targetCpuUtilization × cpu),
/// the HPA's formula. A container at its cap (u = cpu) reads 100 × cpu / V, above the target by the factor
/// 1 / targetCpuUtilization ≥ 1 / 0.95, so the group can always scale out. With several instance types V is the
/// largest: on a smaller type the same use reads higher, so the group errs towards more replicas, never fewer.
/// The instance's own processes add to the metric (a few hundredths of a vCPU, <see cref="Catalog.NodeReserve"/>).
/// </summary>
public sealed record CpuScaling(double TargetUtilization, double Cpu, int VCpus)
{
    /// <summary>The <c>targetValue</c> of the <c>cpu</c> policy: 100 × target × cpu / vCPUs, to four decimals (so 0.65
    /// of 1 vCPU on 2 gives 32.5, not 32.50000000000001, and a small container on a large instance keeps a target
    /// above 0).</summary>
    public double TargetValue => Math.Round(100 * TargetUtilization * Cpu / VCpus, 4);

    /// <summary>What <c>ASGAverageCPUUtilization</c> reads while every container uses <paramref name="cores"/>
    /// (at most its <c>--cpus</c> cap), ignoring the instance's own processes.</summary>
    public double MetricAt(double cores) => 100 * Math.Min(cores, Cpu) / VCpus;

    /// <summary>Seconds until a new instance's CPU counts (the policy's <c>estimatedInstanceWarmup</c>): boot, image
    /// pull and container start.</summary>
    public const int WarmupSeconds = 300;
}
