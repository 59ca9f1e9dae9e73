namespace Multinode.Infra.Cli.Tests;

/// <summary>What `multinode plan` shows for the AWS example, in every format.</summary>
public sealed class PlanCommandTests : CliFixture
{
    private static string PlanExample(string format)
    {
        var (code, stdout, stderr) = Run("plan", Repo.File("examples", "aws-inference"), "--format", format);
        Assert.True(code == 0, stderr);
        return stdout;
    }

    [Fact]
    public void CliPlan_Markdown_ListsResourcesInstanceTypePriceAndWorstCase()
    {
        var md = PlanExample("markdown");
        Assert.Contains("| instance type | g6.2xlarge (8 vCPU, 32 GiB, 1 × l4) |", md, StringComparison.Ordinal);
        Assert.Contains("| price per instance-hour | ≈ $0.9776 |", md, StringComparison.Ordinal);
        Assert.Contains("| worst-case cost per hour | ≈ $29.328/h (on-demand, us-east-1, catalog 2025-05-01) |", md, StringComparison.Ordinal);
        Assert.Contains("| `generate-asg` | `aws:autoscaling/group:Group` |", md, StringComparison.Ordinal);
        Assert.Contains("| `gateway-lb` | `aws:lb/loadBalancer:LoadBalancer` |", md, StringComparison.Ordinal);
        Assert.Contains("| `usage-report-run` | `aws:autoscaling/schedule:Schedule` |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void CliPlan_Json_CarriesFactsAndCost()
    {
        using var json = System.Text.Json.JsonDocument.Parse(PlanExample("json"));
        var finetune = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "finetune");
        var summary = finetune.GetProperty("summary");
        Assert.Equal("g5.12xlarge (48 vCPU, 192 GiB, 4 × a10g), g5.24xlarge (96 vCPU, 384 GiB, 4 × a10g)", summary.GetProperty("instanceTypes").GetString());
        Assert.Equal(3 * 8.144m, summary.GetProperty("maxHourlyCost").GetDecimal());
    }

    /// <summary>The process writes the JSON to its standard output as bytes, not through the text writer the tests
    /// capture: the same document, non-ASCII text ("≈", "×") included, and the same final newline.</summary>
    [Fact]
    public void CliPlan_JsonFromTheProcess_SameTextAsInProcess()
    {
        var (code, stdout, stderr) = RunIn(Dir, "plan", Repo.File("examples", "aws-inference"), "--format", "json");
        Assert.True(code == 0, stderr);
        Assert.Contains("≈", stdout, StringComparison.Ordinal);
        Assert.Equal(PlanExample("json"), stdout);
    }

    [Fact]
    public void CliPlan_Text_ShowsTheChosenTypes()
    {
        var text = PlanExample("text");
        Assert.Contains("g6.2xlarge (8 vCPU, 32 GiB, 1 × l4)", text, StringComparison.Ordinal);
        Assert.Contains("metrics-shipper-asg", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CliPlan_WithoutVpcId_ShowsTheVpcAsUnknown()
    {
        File.WriteAllText(Path.Combine(Dir, "Pulumi.yaml"), """
            name: novpc
            runtime: yaml
            config:
              multinode:target: aws
              multinode:aws:
                value:
                  subnetIds: [subnet-a, subnet-b]
            resources:
              api:
                type: multinode:index:Service
                properties: { image: img }
            """);
        var (code, json, stderr) = Run("plan", Dir, "--format", "json");
        Assert.True(code == 0, stderr);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var vpcIds = Properties(document.RootElement, "vpcId").ToList();
        Assert.NotEmpty(vpcIds);
        Assert.All(vpcIds, v => Assert.Equal("""{"unknown":true}""", v.GetRawText().Replace(" ", "", StringComparison.Ordinal).ReplaceLineEndings("")));
    }

    /// <summary>Every value of a property named <paramref name="name"/>, at any depth.</summary>
    private static IEnumerable<System.Text.Json.JsonElement> Properties(System.Text.Json.JsonElement element, string name) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject()
            .SelectMany(p => p.Name == name ? [p.Value] : Properties(p.Value, name)),
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany(e => Properties(e, name)),
        _ => [],
    };
}
