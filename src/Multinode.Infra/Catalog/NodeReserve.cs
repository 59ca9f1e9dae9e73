namespace Multinode.Infra.Catalog;

/// <summary>
/// What a machine keeps for itself before a worker gets anything: one rule for an EC2 instance running Docker and for
/// a Kubernetes node, modelled on Karpenter's computation of a node's allocatable capacity (docs/aws.md, "Room for
/// the OS"). Memory: the hypervisor and kernel take about 7.5 % of the nominal size (an instance's MemTotal is that
/// much below it), the system and the container runtime (kubelet or Docker daemon) 255 MiB, and the eviction
/// threshold 100 MiB. CPU by core count: 6 % of the first core, 1 % of the second, 0.5 % of the third and fourth,
/// 0.25 % of every further core.
/// </summary>
public static class NodeReserve
{
    /// <summary>Share of nominal memory the hypervisor and kernel take (Karpenter's VM memory overhead).</summary>
    public const double VmMemoryOverhead = 0.075;

    /// <summary>System daemons and the container runtime, in MiB.</summary>
    public const int SystemMemoryMiB = 255;

    /// <summary>Kept free so the kernel or kubelet never has to kill a worker for memory, in MiB.</summary>
    public const int EvictionMemoryMiB = 100;

    /// <summary>vCPUs kept for the system on a machine with <paramref name="vcpus"/> vCPUs.</summary>
    public static double Cpu(int vcpus) =>
        0.06 * Math.Min(vcpus, 1) + 0.01 * Math.Clamp(vcpus - 1, 0, 1) + 0.005 * Math.Clamp(vcpus - 2, 0, 2) + 0.0025 * Math.Max(vcpus - 4, 0);

    /// <summary>Bytes kept for the system on a machine of <paramref name="nominalBytes"/> bytes.</summary>
    public static long Memory(long nominalBytes) =>
        (long)Math.Ceiling(nominalBytes * VmMemoryOverhead) + (long)(SystemMemoryMiB + EvictionMemoryMiB) * 1024 * 1024;

    /// <summary>The rule in one sentence, for plans and messages.</summary>
    public const string Description =
        "allocatable = nominal minus a reserve for the OS and container runtime (memory: 7.5 % + 355 MiB; CPU: 6 % of the first core, 1 % of the second, 0.5 % of cores 3-4, 0.25 % of the rest)";
}
