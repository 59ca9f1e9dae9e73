using Multinode.Infra.Catalog;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed class InstanceSelectionTests
{
    private static Workload Function(ResourceRequest resources, params string[] instanceTypes) =>
        new FunctionWorkload("square", new Container("img", null, null, Multinode.Infra.Values.PropertyMap.Empty, 300, Multinode.Infra.Values.PropertyMap.Empty, instanceTypes),
            resources, 10, 0, 60);

    private static ResourceRequest Request(double cpu, string memory, GpuType? gpu = null, int count = 1) =>
        new(cpu, Memory.Parse(memory), gpu is { } g ? new GpuRequest(g, count) : null);

    [Fact]
    public void Choose_NoOverride_TakesCheapestFit()
    {
        var choice = InstanceSelection.Choose(Function(Request(3, "12Gi", GpuType.T4)), InstanceCatalog.Default);
        Assert.True(choice.IsValid);
        Assert.Equal(["g4dn.xlarge"], choice.Value!.Types.Select(t => t.Name));
        Assert.False(choice.Value.Overridden);
    }

    [Fact]
    public void Choose_OverrideThatFits_IsKeptInOrderAndPricedAtTheDearest()
    {
        var choice = InstanceSelection.Choose(Function(Request(3.5, "12Gi"), "m7i.xlarge", "m6i.xlarge"), InstanceCatalog.Default);
        Assert.True(choice.IsValid);
        Assert.Equal(["m7i.xlarge", "m6i.xlarge"], choice.Value!.Types.Select(t => t.Name));
        Assert.Equal(0.2016m, choice.Value.WorstPricePerHour(3.5));
        Assert.True(choice.Value.Overridden);
    }

    [Fact]
    public void Choose_OverrideTooSmall_FailsWithEveryShortfall()
    {
        var choice = InstanceSelection.Choose(Function(Request(3, "12Gi", GpuType.T4), "g4dn.xlarge", "t3.small"), InstanceCatalog.Default);
        Assert.Equal([
            """Function "square": instanceTypes[1] = "t3.small" does not fit the request: t3.small (2 vCPU, 2 GiB) has 1.93 allocatable vCPU < resources.cpu = 3, 1.503 GiB allocatable < resources.memory = "12Gi", no GPU < resources.gpu = 1 × t4""",
        ], choice.Failures.Select(f => f.ToString()));
        Assert.Equal("instanceTypes[1]", choice.Failures[0].Path);
    }

    [Fact]
    public void Choose_OverrideWithOtherGpu_Fails()
    {
        var choice = InstanceSelection.Choose(Function(Request(3, "12Gi", GpuType.A10G), "g4dn.xlarge"), InstanceCatalog.Default);
        Assert.Equal([
            """Function "square": instanceTypes[0] = "g4dn.xlarge" does not fit the request: g4dn.xlarge (4 vCPU, 16 GiB, 1 × t4) has t4 GPUs, not a10g""",
        ], choice.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Choose_OverrideNotInCatalog_SuggestsTheNearestName()
    {
        var choice = InstanceSelection.Choose(Function(Request(1, "2Gi"), "m6i.larg", "x9.huge"), InstanceCatalog.Default);
        Assert.Equal([
            """Function "square": instanceTypes[0] = "m6i.larg" is not in the instance catalog (us-east-1, 2025-05-01); did you mean "m6i.large"?""",
            """Function "square": instanceTypes[1] = "x9.huge" is not in the instance catalog (us-east-1, 2025-05-01); see docs/aws.md for the families it covers""",
        ], choice.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Choose_CpuBeyondEveryGpuMachine_NamesTheLargest()
    {
        var choice = InstanceSelection.Choose(Function(Request(128, "64Gi", GpuType.T4)), InstanceCatalog.Default);
        Assert.Equal([
            """Function "square": resources.cpu = 128 with 1 × t4 fits no instance type; the largest is g4dn.metal (96 vCPU, 384 GiB, 8 × t4)""",
        ], choice.Failures.Select(f => f.ToString()));
        Assert.Equal("resources.cpu", choice.Failures[0].Path);
    }

    [Fact]
    public void Choose_MemoryBeyondEveryMachine_NamesTheLargest()
    {
        var choice = InstanceSelection.Choose(Function(Request(2, "2Ti")), InstanceCatalog.Default);
        Assert.Equal([
            """Function "square": resources.memory = "2Ti" fits no instance type; the largest is r7i.48xlarge (192 vCPU, 1536 GiB)""",
        ], choice.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Choose_MoreGpusThanAnyMachine_NamesTheLargestOfThatModel()
    {
        var catalog = new InstanceCatalog("test", "2020-01-01", "us-east-1", [
            new InstanceType("p5e.48xlarge", 192, 2048, new GpuSpec(GpuType.H200, 8, 141), 100m),
            new InstanceType("p5e.small", 8, 64, new GpuSpec(GpuType.H200, 1, 141), 10m),
        ]);
        var choice = InstanceSelection.Choose(Function(Request(1, "2Gi", GpuType.H200, 16)), catalog);
        Assert.Equal([
            """Function "square": resources.gpu = 16 × h200 fits no instance type; the largest is p5e.48xlarge (192 vCPU, 2048 GiB, 8 × h200)""",
        ], choice.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Choose_CpuAndMemoryFitOnlyApart_NamesTheRequestAsAWhole()
    {
        var catalog = new InstanceCatalog("test", "2020-01-01", "us-east-1", [
            new InstanceType("c.big", 64, 128, null, 2m),
            new InstanceType("r.big", 16, 512, null, 3m),
        ]);
        var choice = InstanceSelection.Choose(Function(Request(32, "256Gi")), catalog);
        Assert.Equal([
            """Function "square": resources = 32 vCPU and 256Gi together fit no instance type; the largest is c.big (64 vCPU, 128 GiB)""",
        ], choice.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Docs_ErrorExamples_AreWhatSelectionSays()
    {
        var said = new[]
        {
            InstanceSelection.Choose(Function(Request(3, "12Gi", GpuType.T4), "g4dn.xlarge", "t3.small"), InstanceCatalog.Default),
            InstanceSelection.Choose(Function(Request(1, "2Gi"), "m6i.larg"), InstanceCatalog.Default),
            InstanceSelection.Choose(Function(Request(128, "64Gi", GpuType.T4)), InstanceCatalog.Default),
            InstanceSelection.Choose(Function(Request(2, "2Ti")), InstanceCatalog.Default),
        }.SelectMany(r => r.Failures).Select(f => f.ToString()).ToList();
        var documented = File.ReadAllLines(Repo.File("docs", "aws.md")).Where(l => l.StartsWith("Function \"square\": ", StringComparison.Ordinal)).ToList();
        Assert.Equal(said, documented);
    }
}
