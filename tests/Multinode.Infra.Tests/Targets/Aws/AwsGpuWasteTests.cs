using System.Globalization;
using Multinode.Infra.Catalog;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// On AWS each worker is an instance of its own (one container per instance, docs/aws.md), so the GPUs an instance
/// has beyond a worker's request are paid for and idle. The prices below come from the catalog's sourced rows
/// (scripts/catalog-sources/gpu-us-east-1-2026-01-21.json: p4d.24xlarge = 8 × A100 40 GB at $21.957642/h,
/// p5.4xlarge = 1 × H100 at $6.88/h in us-east-1), not from the plan.
/// </summary>
public sealed class AwsGpuWasteTests
{
    private static string Function(string gpu, int maxWorkers = 10) => $"""
        infer:
          type: multinode:index:Function
          properties:
            image: img
            maxWorkers: {maxWorkers}
            resources: {"{"} cpu: 4, memory: 16Gi, gpu: {gpu} {"}"}
        """;

    private static string InstanceType(Multinode.Infra.Planning.Plan plan) =>
        plan.Workloads[0].Resources.Single(r => r.Name == "infer-lt").Text("instanceType");

    private static string Dollars(decimal amount) => "$" + amount.ToString("0.####", CultureInfo.InvariantCulture);

    [Fact]
    public void Plan_OneA100_WarnsWithTheCostPerWorkerAndTheCheaperWays()
    {
        var result = AwsPlanning.Plan(Function("{ type: a100, count: 1 }"));
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal("p4d.24xlarge", InstanceType(result.Value!));
        var warning = Assert.Single(result.Value!.Warnings).ToString();
        var p4d = InstanceCatalog.Default.Find("p4d.24xlarge")!.PricePerHour;
        Assert.StartsWith(
            "Function \"infer\": resources.gpu = 1 × a100 leaves 7 of the 8 GPUs of p4d.24xlarge idle on AWS",
            warning, StringComparison.Ordinal);
        Assert.Contains($"{Dollars(p4d)}/h per worker ({Dollars(10 * p4d)}/h at 10 workers)", warning,
            StringComparison.Ordinal);
        // Cheaper: one GPU of another model with at least 40 GB (L40S 48 GB, g6e; H100 80 GB, p5.4xlarge), or eight
        // workers sharing one p4d.24xlarge on Kubernetes: $21.957642 / 8 per worker (10 workers need 2 nodes).
        Assert.Contains("cheaper: g6e.", warning, StringComparison.Ordinal);
        Assert.Contains("the kubernetes target, packing 8 workers per p4d.24xlarge node: " +
            $"2 nodes, {Dollars(2 * p4d)}/h at 10 workers " +
            $"({Dollars(decimal.Round(2 * p4d / 10, 4))}/h per worker)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OneH100_LandsOnTheOneGpuP5WithoutWarning()
    {
        var result = AwsPlanning.Plan(Function("{ type: h100, count: 1 }"));
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal("p5.4xlarge", InstanceType(result.Value!));
        Assert.Empty(result.Value!.Warnings);
    }

    [Theory]
    [InlineData("{ type: t4, count: 2 }", "g4dn.12xlarge", true)]   // 2 of 4 idle: half
    [InlineData("{ type: t4, count: 3 }", "g4dn.12xlarge", false)]  // 1 of 4 idle
    [InlineData("{ type: t4, count: 1 }", "g4dn.2xlarge", false)] // 4 vCPU need more than the xlarge leaves
    [InlineData("{ type: h100, count: 8 }", "p5.48xlarge", false)]
    public void Plan_HalfOrMoreOfTheGpusIdle_Warns(string gpu, string type, bool warns)
    {
        var result = AwsPlanning.Plan(Function(gpu));
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal(type, InstanceType(result.Value!));
        Assert.Equal(warns, result.Value!.Warnings.Any(w => w.Path == "resources.gpu"));
    }

    [Fact]
    public void Plan_OneA100OnKubernetes_PacksWorkersAndDoesNotWarn()
    {
        var result = AwsPlanning.Plan(Function("{ type: a100, count: 1 }"), """
            target: kubernetes
            kubernetes: {}
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.DoesNotContain(result.Value!.Warnings, w => w.Path == "resources.gpu");
    }
}
