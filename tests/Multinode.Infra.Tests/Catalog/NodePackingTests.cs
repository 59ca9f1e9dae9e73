using Multinode.Infra.Catalog;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Catalog;

public sealed class NodePackingTests
{
    private static readonly InstanceCatalog Catalog = new("test", "2026-01-01", "us-east-1",
    [
        new InstanceType("small", 2, 8, null, 0.10m),
        new InstanceType("big", 16, 64, null, 0.70m),
        new InstanceType("gpu1", 8, 32, new GpuSpec(GpuType.T4, 1, 16), 0.50m),
        new InstanceType("gpu4", 48, 192, new GpuSpec(GpuType.T4, 4, 16), 3.00m),
    ]);

    private static ResourceRequest Request(double cpu, string memory, int gpus = 0) =>
        new(cpu, Memory.Parse(memory), gpus > 0 ? new GpuRequest(GpuType.T4, gpus) : null);

    [Theory]
    [InlineData("small", 1, "2Gi", 0, 1)]   // 1.93 vCPU allocatable: one 1-vCPU worker
    [InlineData("big", 1, "2Gi", 0, 15)]    // 15.89 vCPU allocatable
    [InlineData("big", 2, "16Gi", 0, 3)]    // memory binds: 58.85 GiB / 16 GiB
    [InlineData("small", 1, "7Gi", 0, 1)]   // 7.05 GiB allocatable of 8
    [InlineData("small", 1, "7.5Gi", 0, 0)] // the reserve leaves no room
    [InlineData("gpu4", 4, "16Gi", 2, 2)]   // GPUs bind: 4 / 2
    [InlineData("gpu1", 4, "16Gi", 0, 0)]   // no GPU request never lands on a GPU node
    [InlineData("small", 4, "2Gi", 0, 0)]   // too big for the node
    public void PerNode_CountsWorkersWithinAllocatable(string type, double cpu, string memory, int gpus, int expected) =>
        Assert.Equal(expected, NodePacking.PerNode(Catalog.Find(type)!, Request(cpu, memory, gpus)));

    [Fact]
    public void Cheapest_PicksTheLowestTotalNotTheLowestNodePrice()
    {
        // 20 workers of 1 vCPU: 20 small nodes cost $2.00, 2 big nodes (15 each) cost $1.40.
        var packing = NodePacking.Cheapest(Catalog, Request(1, "2Gi"), 20)!;
        Assert.Equal(("big", 15, 2, 1.40m), (packing.Type.Name, packing.WorkersPerNode, packing.Nodes, packing.HourlyCost));
    }

    [Fact]
    public void Cheapest_GpuWorkers_UseNodesOfThatGpu()
    {
        var packing = NodePacking.Cheapest(Catalog, Request(4, "16Gi", 1), 8)!;
        Assert.Equal(("gpu1", 8, 4.00m), (packing.Type.Name, packing.Nodes, packing.HourlyCost));
    }

    [Fact]
    public void Cheapest_NothingHoldsAWorker_IsNull() =>
        Assert.Null(NodePacking.Cheapest(Catalog, Request(64, "2Gi"), 1));
}
