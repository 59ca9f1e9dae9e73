using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Catalog;

/// <summary>Whole nodes of one catalog type that hold a workload's workers at maximum scale.</summary>
public sealed record NodePacking(InstanceType Type, int WorkersPerNode, int Nodes)
{
    /// <summary>Worst case: every node full, its pods using the vCPUs they request.</summary>
    public decimal HourlyCost => Nodes * NodePrice;

    /// <summary>A full node's price per hour (with CPU credits on a burstable type).</summary>
    public decimal NodePrice { get; init; } = Type.PricePerHour;

    /// <summary>How many workers of <paramref name="request"/> fit on one <paramref name="type"/> node; 0 when none.</summary>
    public static int PerNode(InstanceType type, ResourceRequest request)
    {
        if (!type.Fits(request with { Cpu = 0.001, Memory = new Memory(1) })) return 0;
        var byCpu = (int)Math.Floor(type.AllocatableCpu / request.Cpu + 1e-9);
        var byMemory = (int)Math.Floor((double)type.AllocatableMemory.Bytes / request.Memory.Bytes + 1e-9);
        var byGpu = request.Gpu is { } gpu ? type.Gpu!.Count / gpu.Count : int.MaxValue;
        return Math.Min(byCpu, Math.Min(byMemory, byGpu));
    }

    /// <summary>The cheapest way to run <paramref name="workers"/> workers on whole nodes of a single type; null when
    /// no type holds even one. Ties go to fewer nodes, then to the catalog's order. Remembered per catalog, request
    /// and count: a program's workloads mostly share a few requests.</summary>
    public static NodePacking? Cheapest(InstanceCatalog catalog, ResourceRequest request, int workers) =>
        Remembered.GetValue(catalog, _ => new()).GetOrAdd((request, workers), key => Search(catalog, key.Request, key.Workers));

    private static readonly ConditionalWeakTable<InstanceCatalog, ConcurrentDictionary<(ResourceRequest Request, int Workers), NodePacking?>> Remembered = new();

    private static NodePacking? Search(InstanceCatalog catalog, ResourceRequest request, int workers)
    {
        NodePacking? best = null;
        foreach (var type in catalog.Types)
        {
            var perNode = PerNode(type, request);
            if (perNode <= 0) continue;
            var packing = new NodePacking(type, perNode, (workers + perNode - 1) / perNode)
            {
                NodePrice = type.PriceAtLoad(perNode * request.Cpu),
            };
            if (best is null || packing.HourlyCost < best.HourlyCost
                || (packing.HourlyCost == best.HourlyCost && packing.Nodes < best.Nodes))
                best = packing;
        }
        return best;
    }
}
