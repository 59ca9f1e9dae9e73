using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>Golden plans, byte-identical replanning, and which changes may touch which children.</summary>
public sealed partial class AwsTargetTests
{
    public static TheoryData<string, string> GoldenPrograms => new()
    {
        { "aws-function.json", """
            square:
              type: multinode:index:Function
              properties:
                image: ghcr.io/example/square:1.0.0
                env:
                  MODE: fast
                  API_KEY: { "fn::secret": not-a-real-key }
                resources: { cpu: 4, memory: 16Gi, gpu: { type: t4 } }
                maxWorkers: 30
                spareWorkers: 2
                cooldownPeriod: 300
                timeoutSeconds: 120
                tags: { team: ml }
            """ },
        { "aws-job.json", """
            transcode:
              type: multinode:index:Job
              properties:
                image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/media/transcoder:2.0.0
                command: ["/bin/transcode"]
                args: ["--preset", "fast"]
                resources: { cpu: 7, memory: 14Gi }
                instanceTypes: ["c7i.2xlarge", "c6i.2xlarge"]
                maxConcurrency: 5
                timeoutSeconds: 3600
            """ },
        { "aws-service.json", """
            api:
              type: multinode:index:Service
              properties:
                image: ghcr.io/example/api:3.1.0
                port: 8080
                healthCheckPath: /healthz
                minReplicas: 2
                maxReplicas: 8
                targetCpuUtilization: 0.65
                resources: { cpu: 2, memory: 4Gi }
                tags: { team: platform }
            """ },
        { "aws-scheduledtask.json", """
            nightly-report:
              type: multinode:index:ScheduledTask
              properties:
                image: ghcr.io/example/reports:0.9.0
                schedule: "0 3 * * *"
                timeZone: Europe/Berlin
                timeoutSeconds: 1800
            """ },
        { "aws-daemon.json", """
            ingest:
              type: multinode:index:Daemon
              properties:
                image: ghcr.io/example/ingest:5.2.1
                resources: { cpu: 0.5, memory: 1Gi }
            """ },
    };

    [Theory]
    [MemberData(nameof(GoldenPrograms))]
    public void Plan_EachKind_MatchesGoldenPlan(string golden, string program)
    {
        var result = AwsPlanning.Plan(program);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        GoldenFile.Assert(golden, PlanJson.Write(result.Value!));
    }

    [Fact]
    public void Plan_Twice_IsByteIdentical()
    {
        foreach (var (name, first) in ShippedPlansOnAws())
        {
            var again = ShippedPlansOnAws().Single(p => p.Name == name).Plan;
            Assert.Equal(PlanJson.Write(first), PlanJson.Write(again));
        }
        foreach (var program in GoldenPrograms.Select(row => (string)row[1]))
            Assert.Equal(PlanJson.Write(AwsPlanning.Plan(program).Value!), PlanJson.Write(AwsPlanning.Plan(program).Value!));
    }

    private const string Baseline = """
        square:
          type: multinode:index:Function
          properties:
            image: ghcr.io/example/square:1.0.0
            env: { MODE: fast }
            tags: { team: ml }
            resources: { cpu: 2, memory: 4Gi }
            maxWorkers: 10
            spareWorkers: 1
            cooldownPeriod: 120
        """;

    private static string Inputs(WorkloadPlan plan) => string.Join("\n", plan.Resources.Select(r => PropertyValue.From(r.Inputs).ToJson()));

    /// <summary>The values at every replace-on-change path of every child, by child name: if these are equal, no
    /// child is replaced.</summary>
    private static Dictionary<string, string> ReplacementKeys(WorkloadPlan plan) =>
        plan.Resources.ToDictionary(r => r.Name, r => r.Type + " " + string.Join(" ",
            r.Options.ReplaceOnChanges.Select(p => $"{p}={r.Find(p)?.ToJson() ?? "-"}")));

    [Theory]
    [InlineData("maxWorkers: 10", "maxWorkers: 40")]
    [InlineData("spareWorkers: 1", "spareWorkers: 3")]
    [InlineData("cooldownPeriod: 120", "cooldownPeriod: 900")]
    [InlineData("env: { MODE: fast }", "env: { MODE: slow, EXTRA: x }")]
    [InlineData("tags: { team: ml }", "tags: { team: search, owner: ada }")]
    [InlineData("image: ghcr.io/example/square:1.0.0", "image: ghcr.io/example/square:1.1.0")]
    public void Plan_ScalingEnvOrTagChange_ReplacesNothing(string before, string after)
    {
        var original = AwsPlanning.PlanOne(Baseline);
        var changed = AwsPlanning.PlanOne(Baseline.Replace(before, after, StringComparison.Ordinal));
        Assert.NotEqual(Inputs(original), Inputs(changed));
        Assert.Equal(ReplacementKeys(original), ReplacementKeys(changed));
    }

    [Theory]
    [InlineData("resources: { cpu: 2, memory: 4Gi }", "resources: { cpu: 8, memory: 32Gi }")]
    [InlineData("resources: { cpu: 2, memory: 4Gi }", "resources: { cpu: 4, memory: 16Gi, gpu: { type: l4 } }")]
    public void Plan_MachineShapeChange_ChangesOnlyTheLaunchTemplate(string before, string after)
    {
        var original = AwsPlanning.PlanOne(Baseline);
        var changed = AwsPlanning.PlanOne(Baseline.Replace(before, after, StringComparison.Ordinal));
        Assert.Equal(original.Resources.Select(r => r.Name), changed.Resources.Select(r => r.Name));
        var differing = original.Resources.Zip(changed.Resources)
            .Where(pair => !Equals(PropertyValue.From(pair.First.Inputs), PropertyValue.From(pair.Second.Inputs)))
            .Select(pair => pair.First.Name);
        Assert.Equal(["square-lt"], differing);
        Assert.Equal(ReplacementKeys(original), ReplacementKeys(changed));
        Assert.NotEqual(original.Child("square-lt").Text("instanceType"), changed.Child("square-lt").Text("instanceType"));
    }

    [Fact]
    public void Plan_UnknownImage_MakesUserDataUnknown()
    {
        var plan = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: { \"fn::invoke\": x } } }");
        Assert.IsType<UnknownValue>(plan.Child("d-lt").At("userData"));
    }

    [Fact]
    public void Plan_SecretArgs_MakesUserDataSecret()
    {
        var plan = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: img, args: [\"--token\", { \"fn::secret\": abc }] } }");
        var userData = Assert.IsType<SecretValue>(plan.Child("d-lt").At("userData"));
        var script = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(((StringValue)userData.Value).Value));
        Assert.Contains("'img' '--token' 'abc'", script, StringComparison.Ordinal);
    }
}
