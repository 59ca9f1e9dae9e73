using System.Text.Json;
using Multinode.Infra.Catalog;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Catalog;

public sealed class InstanceCatalogTests
{
    private static ResourceRequest Request(double cpu, string memory, GpuType? gpu = null, int count = 1) =>
        new(cpu, Memory.Parse(memory), gpu is { } g ? new GpuRequest(g, count) : null);

    [Fact]
    public void Default_IsDatedAndSourced()
    {
        var catalog = InstanceCatalog.Default;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", catalog.Date);
        Assert.Contains("AWS", catalog.Source, StringComparison.Ordinal);
        Assert.Equal("us-east-1", catalog.Region);
        Assert.Equal(catalog.Types.Count, catalog.Types.Select(t => t.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("t3.")]
    [InlineData("m6i.")]
    [InlineData("m7i.")]
    [InlineData("c6i.")]
    [InlineData("c7i.")]
    [InlineData("r6i.")]
    [InlineData("r7i.")]
    public void Default_CoversGeneralPurposeFamily(string family) =>
        Assert.Contains(InstanceCatalog.Default.Types, t => t.Name.StartsWith(family, StringComparison.Ordinal) && t.Gpu is null);

    [Theory]
    [InlineData("g4dn", GpuType.T4, 16)]
    [InlineData("g5", GpuType.A10G, 24)]
    [InlineData("g6", GpuType.L4, 24)]
    [InlineData("g6e", GpuType.L40S, 48)]
    [InlineData("p3", GpuType.V100, 16)]
    [InlineData("p4d", GpuType.A100, 40)]
    [InlineData("p4de", GpuType.A100_80GB, 80)]
    [InlineData("p5", GpuType.H100, 80)]
    [InlineData("p5en", GpuType.H200, 141)]
    public void Default_GpuFamilyHasItsModelAndMemory(string family, GpuType type, int memoryGiB)
    {
        var members = InstanceCatalog.Default.Types.Where(t => t.Name.StartsWith(family + ".", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(members);
        Assert.All(members, t => Assert.Equal(new GpuSpec(type, t.Gpu!.Count, memoryGiB), t.Gpu));
        Assert.All(members, t => Assert.True(t.PricePerHour > 0));
    }

    [Theory]
    [InlineData(1, "2Gi", null, 1, "t3.medium")]   // the default worker: a t3.small's 2 GiB hold the OS too
    [InlineData(1.5, "3Gi", null, 1, "c6i.large")] // a t3.medium costs $0.0966 with 1.5 busy vCPUs
    [InlineData(2, "4Gi", null, 1, "c6i.xlarge")]  // 2 vCPU and 4 GiB machines keep a reserve for the OS
    [InlineData(15, "28Gi", null, 1, "c6i.4xlarge")]
    [InlineData(4, "56Gi", null, 1, "r6i.2xlarge")]
    [InlineData(3, "12Gi", GpuType.T4, 1, "g4dn.xlarge")]
    [InlineData(3, "12Gi", GpuType.T4, 2, "g4dn.12xlarge")]
    [InlineData(7, "28Gi", GpuType.L4, 1, "g6.2xlarge")]
    [InlineData(3, "12Gi", GpuType.A10G, 1, "g5.xlarge")]
    [InlineData(1, "2Gi", GpuType.L40S, 1, "g6e.xlarge")]
    [InlineData(1, "2Gi", GpuType.V100, 2, "p3.8xlarge")]
    [InlineData(1, "2Gi", GpuType.A100, 1, "p4d.24xlarge")]
    [InlineData(1, "2Gi", GpuType.A100_80GB, 8, "p4de.24xlarge")]
    [InlineData(1, "2Gi", GpuType.H100, 1, "p5.4xlarge")]
    [InlineData(1, "2Gi", GpuType.H100, 2, "p5.48xlarge")]
    [InlineData(1, "2Gi", GpuType.H200, 1, "p5en.48xlarge")]
    public void Cheapest_Request_PicksCheapestFit(double cpu, string memory, GpuType? gpu, int count, string expected) =>
        Assert.Equal(expected, InstanceCatalog.Default.Cheapest(Request(cpu, memory, gpu, count))?.Name);

    [Theory]
    [InlineData("t3.micro", 0.5, "0.0254")]   // 0.0104 + (0.5 − 10% of 2 vCPU) × $0.05
    [InlineData("t3.micro", 0.1, "0.0104")]   // below the baseline: no credits
    [InlineData("t3.2xlarge", 8, "0.5728")]   // 0.3328 + (8 − 40% of 8) × $0.05
    [InlineData("t3.2xlarge", 64, "0.5728")]  // never more than its own vCPUs
    [InlineData("m6i.large", 2, "0.096")]     // not burstable: the list price
    public void PriceAtLoad_BurstableType_AddsCpuCreditsAboveBaseline(string type, double cpu, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), InstanceCatalog.Default.Find(type)!.PriceAtLoad(cpu));

    [Fact]
    public void Cheapest_SustainedCpu_AvoidsBurstableTypesThatCostMoreUnderLoad()
    {
        // 7.5 busy vCPUs on a t3.2xlarge ($0.3328 listed) cost $0.5478 with credits; a c6i.2xlarge costs $0.34.
        Assert.Equal("c6i.2xlarge", InstanceCatalog.Default.Cheapest(Request(7.5, "14Gi"))!.Name);
        // Half a vCPU stays on a t3.micro ($0.0254 with credits).
        Assert.Equal("t3.micro", InstanceCatalog.Default.Cheapest(Request(0.5, "512Mi"))!.Name);
    }

    [Fact]
    public void Cheapest_IsNeverDearerThanAnyFit()
    {
        var catalog = InstanceCatalog.Default;
        foreach (var request in new[] { Request(3, "12Gi"), Request(10, "100Gi"), Request(6, "40Gi", GpuType.A10G), Request(20, "100Gi", GpuType.L4, 2) })
        {
            var cheapest = catalog.Cheapest(request)!;
            Assert.True(cheapest.Fits(request));
            Assert.All(catalog.Types.Where(t => t.Fits(request)), t =>
                Assert.True(cheapest.PriceAtLoad(request.Cpu) <= t.PriceAtLoad(request.Cpu), $"{t.Name} is cheaper than {cheapest.Name}"));
        }
    }

    [Fact]
    public void Cheapest_CpuRequest_NeverLandsOnGpuMachine()
    {
        // 96 vCPU and 384 GiB would fit g4dn.metal too; a request without GPUs must not pay for idle GPUs.
        var chosen = InstanceCatalog.Default.Cheapest(Request(96, "384Gi"))!;
        Assert.Null(chosen.Gpu);
    }

    [Fact]
    public void Cheapest_NothingFits_ReturnsNullAndLargestNamesTheBiggestCandidate()
    {
        var request = Request(128, "64Gi", GpuType.T4);
        Assert.Null(InstanceCatalog.Default.Cheapest(request));
        Assert.Equal("g4dn.metal (96 vCPU, 384 GiB, 8 × t4)", InstanceCatalog.Default.Largest(request)!.Description);
    }

    /// <summary>us-east-1 on-demand Linux prices as the recorded source lists them
    /// (scripts/catalog-sources/gpu-us-east-1-2026-01-21.json): p5.4xlarge (1 × H100, generally available since August
    /// 2025), p5en.48xlarge (8 × H200), and p4d/p5 after AWS's June 2025 cut.</summary>
    [Theory]
    [InlineData("p5.4xlarge", "6.88")]
    [InlineData("p5.48xlarge", "55.04")]
    [InlineData("p5en.48xlarge", "63.296")]
    [InlineData("p4d.24xlarge", "21.957642")]
    [InlineData("p4de.24xlarge", "27.44705")]
    public void Default_GpuPrices_AreTheSourcedOnes(string type, string price) =>
        Assert.Equal(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), InstanceCatalog.Default.Find(type)!.PricePerHour);

    [Fact]
    public void Default_H200WithoutAnOnDemandPrice_IsLeftOut() =>
        // p5e.48xlarge has no published us-east-1 on-demand price (only Capacity Blocks): not listed.
        Assert.Null(InstanceCatalog.Default.Find("p5e.48xlarge"));

    [Fact]
    public void Default_EveryPriceHasADatedSource()
    {
        using var stream = typeof(InstanceCatalog).Assembly
            .GetManifestResourceStream("Multinode.Infra.Catalog.instance-types.json")!;
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var sources = root.GetProperty("sources");
        var dates = new List<string>();
        foreach (var row in root.GetProperty("instanceTypes").EnumerateArray())
        {
            var name = row.GetProperty("name").GetString();
            Assert.True(row.TryGetProperty("source", out var id), $"{name} names no source");
            Assert.True(sources.TryGetProperty(id.GetString()!, out var source), $"{name}: source {id} is not listed");
            var date = source.GetProperty("date").GetString()!;
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", date);
            Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("source").GetString()));
            dates.Add(date);
        }
        // The catalog's own date, shown beside every cost, is its oldest price's.
        Assert.Equal(dates.Min(StringComparer.Ordinal), InstanceCatalog.Default.Date);
    }

    [Fact]
    public void Shortfalls_TooSmall_NamesEachDimension()
    {
        var t3 = InstanceCatalog.Default.Find("t3.small")!;
        Assert.Equal(["1.93 allocatable vCPU < resources.cpu = 4", "1.503 GiB allocatable < resources.memory = \"16Gi\"", "no GPU < resources.gpu = 1 × t4"],
            t3.Shortfalls(Request(4, "16Gi", GpuType.T4)));
        Assert.Empty(t3.Shortfalls(Request(1.9, "1.5Gi")));
        // What the OS keeps: the default worker (1 vCPU, 2Gi) no longer fits the 2 GiB t3.small.
        Assert.Equal(["1.503 GiB allocatable < resources.memory = \"2Gi\""], t3.Shortfalls(Request(1, "2Gi")));
    }

    [Fact]
    public void Parse_CatalogJson_ReadsPricesExactly()
    {
        using var document = JsonDocument.Parse("""
            {"source": "test", "date": "2020-01-01", "region": "eu-west-1", "instanceTypes": [
              {"name": "x.large", "vcpus": 2, "memoryGiB": 8, "pricePerHour": "0.1234"},
              {"name": "x.gpu", "vcpus": 4, "memoryGiB": 16, "gpu": {"type": "nvidia-tesla-t4", "count": 1, "memoryGiB": 16}, "pricePerHour": "0.5"}
            ]}
            """);
        var catalog = InstanceCatalog.Parse(document.RootElement);
        Assert.Equal(0.1234m, catalog.Find("x.large")!.PricePerHour);
        Assert.Equal(new GpuSpec(GpuType.T4, 1, 16), catalog.Find("x.gpu")!.Gpu);
        Assert.Equal("eu-west-1", catalog.Region);
    }
}
