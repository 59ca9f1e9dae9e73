using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Catalog;

/// <summary>The GPUs of one machine: model, how many, and memory per GPU.</summary>
public sealed record GpuSpec(GpuType Type, int Count, int MemoryGiB);

/// <summary>One machine type of the catalog: its shape and its on-demand price per hour.</summary>
public sealed record InstanceType(string Name, int VCpus, double MemoryGiB, GpuSpec? Gpu, decimal PricePerHour)
{
    /// <summary>For a burstable type (T3, unlimited mode): the share of each vCPU it may use without extra charge.</summary>
    public double? BaselineCpuFraction { get; init; }

    /// <summary>For a burstable type: USD per vCPU-hour used above the baseline.</summary>
    public decimal BurstSurchargePerVCpuHour { get; init; }

    /// <summary>The hourly price while <paramref name="cpuInUse"/> vCPUs are busy: the list price, plus CPU-credit
    /// charges on a burstable type above its baseline. Worst-case costs use the vCPUs a worker requests, so a T3 is
    /// only chosen where it is cheapest at that load.</summary>
    public decimal PriceAtLoad(double cpuInUse) =>
        BaselineCpuFraction is { } baseline
            ? PricePerHour + (decimal)Math.Max(0, Math.Min(cpuInUse, VCpus) - baseline * VCpus) * BurstSurchargePerVCpuHour
            : PricePerHour;

    public Memory Memory => new((long)Math.Round(MemoryGiB * 1024 * 1024 * 1024));

    /// <summary>vCPUs left to workers after <see cref="NodeReserve"/>.</summary>
    public double AllocatableCpu => VCpus - NodeReserve.Cpu(VCpus);

    /// <summary>Memory left to workers after <see cref="NodeReserve"/>.</summary>
    public Memory AllocatableMemory => new(Memory.Bytes - NodeReserve.Memory(Memory.Bytes));

    /// <summary>True when one worker with <paramref name="request"/> fits in what this machine leaves to workers. A GPU
    /// request needs GPUs of that model and at least that many; a request without GPUs never lands on a GPU machine
    /// (idle GPUs cost most).</summary>
    public bool Fits(ResourceRequest request) =>
        AllocatableCpu >= request.Cpu - 1e-9 && AllocatableMemory.Bytes >= request.Memory.Bytes &&
        (request.Gpu is { } gpu ? Gpu is { } g && g.Type == gpu.Type && g.Count >= gpu.Count : Gpu is null);

    /// <summary>What this machine lacks for <paramref name="request"/>, in the request's own terms; empty when it fits.</summary>
    public IReadOnlyList<string> Shortfalls(ResourceRequest request)
    {
        var problems = new List<string>();
        if (AllocatableCpu < request.Cpu - 1e-9)
            problems.Add($"{Numbers.Short(AllocatableCpu)} allocatable vCPU < resources.cpu = {Numbers.Exact(request.Cpu)}");
        if (AllocatableMemory.Bytes < request.Memory.Bytes)
            problems.Add($"{Numbers.Short(AllocatableMemory.Bytes / 1024.0 / 1024 / 1024)} GiB allocatable < resources.memory = \"{request.Memory}\"");
        if (request.Gpu is { } gpu)
        {
            if (Gpu is null) problems.Add($"no GPU < resources.gpu = {gpu.Count} × {gpu.Type.Name()}");
            else if (Gpu.Type != gpu.Type) problems.Add($"{Gpu.Type.Name()} GPUs, not {gpu.Type.Name()}");
            else if (Gpu.Count < gpu.Count) problems.Add($"{Gpu.Count} × {Gpu.Type.Name()} < resources.gpu = {gpu.Count} × {gpu.Type.Name()}");
        }
        return problems;
    }

    /// <summary>"g4dn.xlarge (4 vCPU, 16 GiB, 1 × t4)".</summary>
    public string Description =>
        $"{Name} ({VCpus} vCPU, {Numbers.Short(MemoryGiB)} GiB{(Gpu is { } g ? $", {g.Count} × {g.Type.Name()}" : "")})";

}
