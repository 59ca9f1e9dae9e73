using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed partial class PlanJsonTests
{
    private static Plan PlanOf(string yaml)
    {
        var loaded = ProgramLoader.Parse(yaml, "Pulumi.yaml", null, null, KindRegistry.Default);
        var result = Planner.Plan(loaded.Program, KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return result.Value!;
    }

    private static Plan Example(string name) => PlanOf(File.ReadAllText(Repo.File("examples", name, "Pulumi.yaml")));

    /// <summary>A program of <paramref name="count"/> AWS workloads, one of each kind in turn.</summary>
    private static string Program(int count)
    {
        var yaml = new StringBuilder("""
            name: many
            runtime: yaml
            config:
              multinode:target: aws
              multinode:aws:
                value: { vpcId: vpc-1, subnetIds: [subnet-1, subnet-2] }
            resources:

            """);
        string[] kinds =
        [
            "Function\n    properties: { image: app, maxWorkers: 4 }",
            "Service\n    properties: { image: api, healthCheckPath: /healthz, minReplicas: 1, maxReplicas: 3 }",
            "Job\n    properties: { image: job, maxConcurrency: 2 }",
            "ScheduledTask\n    properties: { image: task, schedule: \"0 3 * * *\" }",
            "Daemon\n    properties: { image: d }",
        ];
        for (var i = 0; i < count; i++) yaml.Append($"  w{i:D4}:\n    type: multinode:index:{kinds[i % kinds.Length]}\n");
        return yaml.ToString();
    }

    [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
    private static partial Regex CamelCaseKey();

    private static IEnumerable<string> Keys(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().Select(p => p.Name) : [];

    [Theory]
    [InlineData("aws-inference")]
    [InlineData("kubernetes-inference")]
    [InlineData("kubernetes-sqs")]
    public void Write_EveryKeyOfTheProductsOwn_IsCamelCase(string example)
    {
        using var json = JsonDocument.Parse(PlanJson.Write(Example(example)));
        var root = json.RootElement;
        // Settings, outputs and child inputs carry the user's and the child providers' names; everything else is ours.
        var keys = Keys(root)
            .Concat(Keys(root.GetProperty("totals")))
            .Concat(Keys(root.GetProperty("pricing")))
            .Concat(root.GetProperty("workloads").EnumerateArray().SelectMany(w => Keys(w).Concat(Keys(w.GetProperty("summary")))))
            .Concat(root.GetProperty("resources").EnumerateArray().SelectMany(r =>
                Keys(r).Concat(r.TryGetProperty("options", out var o) ? Keys(o) : [])))
            .Distinct()
            .ToList();
        Assert.Contains("maxHourlyCost", keys);
        Assert.All(keys, key => Assert.Matches(CamelCaseKey(), key));
    }

    [Theory]
    [InlineData("price per instance-hour", "pricePerInstanceHour")]
    [InlineData("instance type", "instanceType")]
    [InlineData("GPU nodes", "gpuNodes")]
    [InlineData("nodes at maximum scale", "nodesAtMaximumScale")]
    [InlineData("certificateArn", "certificateArn")]
    [InlineData("queue", "queue")]
    public void CamelCase_Label_IsTheJsonKey(string label, string key) => Assert.Equal(key, PlanJson.CamelCase(label));

    [Fact]
    public void Write_LargePlan_ReachesTheOutputInPiecesAsOneDocument()
    {
        var plan = PlanOf(Program(250));
        var output = new RecordingWriter();
        PlanJson.Write(plan, output);
        var text = output.ToString();
        // Streamed: many writes, none holding more than a few chunks of the multi-megabyte document.
        Assert.True(text.Length > 2_000_000, $"{text.Length} characters");
        Assert.True(output.Writes > 20, $"{output.Writes} writes");
        Assert.True(output.Largest < 256 * 1024, $"largest write {output.Largest} characters");
        // Whole and the same as the string form, multi-byte text ("≈") intact across chunk boundaries.
        Assert.Equal(PlanJson.Write(plan), text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(250, json.RootElement.GetProperty("workloads").GetArrayLength());
        Assert.Equal(plan.ResourceCount, json.RootElement.GetProperty("resources").GetArrayLength());
        Assert.StartsWith("≈ $", json.RootElement.GetProperty("workloads")[0].GetProperty("summary").GetProperty("pricePerInstanceHour").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    /// <summary>To a byte stream a large plan's resources are written on two threads, in groups of workloads: the
    /// bytes must be those of one writer whatever the count (a group boundary or not) and wherever workloads without
    /// resources fall (before the first resource, a whole group, the last).</summary>
    [Theory]
    [InlineData(0, "")]
    [InlineData(63, "")]
    [InlineData(64, "")]
    [InlineData(65, "")]
    [InlineData(130, "")]
    [InlineData(130, "first")]
    [InlineData(130, "first40")]
    [InlineData(130, "second-group")]
    [InlineData(130, "all-but-last")]
    [InlineData(130, "all")]
    public void Write_ToAByteStream_SameBytesAsOneWriter(int count, string withoutResources)
    {
        var plan = PlanOf(Program(count));
        bool Empty(int i) => withoutResources switch
        {
            "first" => i == 0,
            "first40" => i < 40,
            "second-group" => i is >= 33 and < 65,
            "all-but-last" => i < count - 1,
            "all" => true,
            _ => false,
        };
        plan = plan with { Workloads = [.. plan.Workloads.Select((w, i) => Empty(i) ? w with { Resources = [] } : w)] };
        using var bytes = new MemoryStream();
        PlanJson.Write(plan, bytes);
        Assert.Equal(PlanJson.Write(plan), Encoding.UTF8.GetString(bytes.ToArray()));
    }

    [Fact]
    public void Totals_AreTheSumOfTheWorkloads_AndFollowAChangeOfWorkloads()
    {
        var plan = PlanOf(Program(10));
        Assert.Equal(plan.Workloads.Sum(w => w.Summary.MaxWorkers), plan.Totals.MaxWorkers);
        Assert.Equal(plan.Workloads.Sum(w => w.Summary.MaxCpu), plan.Totals.MaxCpu);
        Assert.Equal(plan.Workloads.Sum(w => w.Summary.MaxMemory.Bytes), plan.Totals.MaxMemory.Bytes);
        Assert.Equal(plan.Workloads.Sum(w => w.Summary.MaxHourlyCost!.Value), plan.Totals.MaxHourlyCost);
        Assert.Equal(plan.Workloads.Sum(w => w.Resources.Count), plan.ResourceCount);
        var one = plan with { Workloads = [plan.Workloads[0]] };
        Assert.Equal((plan.Workloads[0].Summary.MaxWorkers, plan.Workloads[0].Summary.MaxHourlyCost), (one.Totals.MaxWorkers, one.Totals.MaxHourlyCost));
        // No workload, no cost to add up.
        Assert.Null((plan with { Workloads = [] }).Totals.MaxHourlyCost);
    }

    /// <summary>Keeps what is written and how: the number of writes and the largest one.</summary>
    private sealed class RecordingWriter : StringWriter
    {
        public int Writes { get; private set; }
        public int Largest { get; private set; }

        public override void Write(char[] buffer, int index, int count)
        {
            Writes++;
            Largest = Math.Max(Largest, count);
            base.Write(buffer, index, count);
        }

        public override void Write(string? value)
        {
            Writes++;
            Largest = Math.Max(Largest, value?.Length ?? 0);
            base.Write(value);
        }
    }
}
