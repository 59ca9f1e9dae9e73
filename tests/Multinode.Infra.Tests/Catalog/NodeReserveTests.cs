using Multinode.Infra.Catalog;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Catalog;

public sealed class NodeReserveTests
{
    [Theory]
    [InlineData(1, 0.06)]
    [InlineData(2, 0.07)]
    [InlineData(4, 0.08)]
    [InlineData(8, 0.09)]
    [InlineData(96, 0.31)]
    public void Cpu_ByCoreCount_FollowsKarpenter(int vcpus, double expected) => Assert.Equal(expected, NodeReserve.Cpu(vcpus), 9);

    [Theory]
    [InlineData(2, 153.6 + 355)]
    [InlineData(8, 614.4 + 355)]
    [InlineData(64, 4915.2 + 355)]
    public void Memory_ByNominalSize_IsOverheadPlusSystemAndEviction(int gib, double expectedMiB) =>
        Assert.Equal(expectedMiB, NodeReserve.Memory((long)gib * 1024 * 1024 * 1024) / 1024.0 / 1024, 0);

    [Fact]
    public void DefaultWorker_NoLongerGetsATwoGiBMachine()
    {
        var type = InstanceCatalog.Default.Cheapest(ResourceRequest.Default)!;
        Assert.True(type.MemoryGiB > 2, type.Description);
        Assert.True(type.AllocatableMemory.Bytes >= ResourceRequest.Default.Memory.Bytes);
    }
}
