using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Schema;
using Multinode.Infra.Simulation;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

/// <summary>
/// A queue kind defined only in the tests (<see cref="InboxKind"/>: its definition, one mapping per target, one
/// registry) goes through every path the product's kinds do: validation and the schema, the planner on both targets,
/// the CLI's loader with plan, diff and simulate. Its mappings are the warm pool a Function with no spare workers is,
/// so its children must be a Function's, written with its own kind name — nothing outside the definition decides them.
/// </summary>
public sealed class ThrowAwayQueueKindTests : IDisposable
{
    private static readonly KindRegistry Kinds = InboxKind.Kinds;

    private static readonly PropertyMap Aws = new(("target", "aws"), ("aws", new PropertyMap(
        ("vpcId", "vpc-0123456789abcdef0"),
        ("subnetIds", PropertyValue.Strings(["subnet-0000000000000000a", "subnet-0000000000000000b"])))));

    private static readonly PropertyMap Kubernetes = new(("target", "kubernetes"));

    private readonly string _dir = Directory.CreateTempSubdirectory("multinode-inbox-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PropertyMap Config(string target) => target == "aws" ? Aws : Kubernetes;

    private static WorkloadPlan PlanOne(string token, PropertyMap properties, string target)
    {
        var result = Planner.Plan(new ProgramDeclaration([new ResourceDeclaration("mail", token, properties)], Config(target)), Kinds);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return Assert.Single(result.Value!.Workloads);
    }

    /// <summary>The workload's children as plan JSON, a boot script (base64, "#!/bin/bash…") decoded.</summary>
    private static string Children(WorkloadPlan plan, string target)
    {
        var config = Planner.Plan(new ProgramDeclaration([], Config(target)), Kinds).Value!.Config;
        using var json = JsonDocument.Parse(PlanJson.Write(plan, config));
        return System.Text.RegularExpressions.Regex.Replace(json.RootElement.GetProperty("resources").GetRawText(),
            "\"(IyEv[A-Za-z0-9+/=]+)\"", m => JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Plan_QueueKindOnEachTarget_IsTheWarmPoolItsMappingNames(string target)
    {
        var inbox = PlanOne("multinode:index:Inbox", new PropertyMap(("image", "app"), ("maxInboxWorkers", 5), ("idleSeconds", 45)), target);
        var function = PlanOne("multinode:index:Function",
            new PropertyMap(("image", "app"), ("maxWorkers", 5), ("spareWorkers", 0), ("cooldownPeriod", 45)), target);

        Assert.IsType<InboxWorkload>(inbox.Workload);
        var children = Children(inbox, target);
        Assert.Contains("inbox", children, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Children(function, target).Replace("Function", "Inbox").Replace("function", "inbox"), children);
        Assert.Equal(function.Outputs.Keys, inbox.Outputs.Keys);
    }

    [Fact]
    public void Plan_QueueKindNotMappedOnATarget_IsRefusedThereByName()
    {
        var awsOnly = KindRegistry.Default.With(InboxKind.Instance,
            AwsMapping.Of<InboxWorkload>(i => AwsShape.OneMessagePerWorker(i.MaxInboxWorkers)));
        var program = new ProgramDeclaration([new ResourceDeclaration("mail", "multinode:index:Inbox", new PropertyMap(("image", "app")))], Kubernetes);
        Assert.Equal(["Inbox \"mail\": target kubernetes does not plan kind Inbox"], Planner.Plan(program, awsOnly).Failures.Select(f => f.ToString()));
        Assert.True(Planner.Plan(program with { Config = Aws }, awsOnly).IsValid);
    }

    [Fact]
    public void Schema_WithQueueKind_PublishesItAndTheTargets()
    {
        using var schema = JsonDocument.Parse(PackageSchema.Generate(Kinds));
        var inbox = schema.RootElement.GetProperty("resources").GetProperty("multinode:index:Inbox");
        Assert.Equal(["children", "queue"], inbox.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Kinds.Targets.Select(t => t.Name), schema.RootElement.GetProperty("keywords").EnumerateArray().Skip(4).Select(e => e.GetString()));
    }

    private string Program(string folder, string target, int maxInboxWorkers)
    {
        var dir = Path.Combine(_dir, folder);
        Directory.CreateDirectory(dir);
        var config = target == "aws"
            ? "  multinode:target: aws\n  multinode:aws:\n    value:\n      vpcId: vpc-0123456789abcdef0\n      subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]\n"
            : "  multinode:target: kubernetes\n";
        File.WriteAllText(Path.Combine(dir, "Pulumi.yaml"),
            $"name: inbox\nruntime: yaml\nconfig:\n{config}resources:\n  mail:\n    type: multinode:index:Inbox\n    properties:\n" +
            $"      image: app\n      maxInboxWorkers: {maxInboxWorkers}\n");
        return dir;
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Multinode.Infra.Cli.Cli.Run(args, stdout, stderr, Kinds);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Cli_QueueKind_PlansDiffsAndSimulates(string target)
    {
        var before = Program("before", target, 3);
        var after = Program("after", target, 6);

        var (code, output, error) = Cli("plan", before, "--format", "json");
        Assert.True(code == 0, error);
        Assert.Equal(
            PlanJson.Write(Planner.Plan(Multinode.Infra.Cli.ProgramLoader.Load(before, null, Kinds).Program, Kinds).Value!),
            output);

        (code, output, error) = Cli("diff", before, after, "--format", "json");
        Assert.True(code == 0, error);
        using (var diff = JsonDocument.Parse(output))
        {
            var workload = Assert.Single(diff.RootElement.GetProperty("workloads").EnumerateArray());
            Assert.Equal("changed", workload.GetProperty("status").GetString());
            Assert.Contains("maxInboxWorkers", workload.GetRawText(), StringComparison.Ordinal);
        }

        var trace = Path.Combine(_dir, "load.csv");
        File.WriteAllText(trace, "seconds,workload,demand\n0,mail,2\n120,mail,0\n");
        (code, output, error) = Cli("simulate", before, "--load", trace, "--format", "json");
        Assert.True(code == 0, error);
        using var simulation = JsonDocument.Parse(output);
        Assert.Contains("\"mail\"", output, StringComparison.Ordinal);
        Assert.Contains("Inbox", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Simulate_QueueKind_FollowsItsPlannedScaling(string target)
    {
        var plan = Planner.Plan(new ProgramDeclaration(
            [new ResourceDeclaration("mail", "multinode:index:Inbox", new PropertyMap(("image", "app"), ("maxInboxWorkers", 4)))],
            Config(target)), Kinds).Value!;
        var simulation = Simulator.Run(plan, LoadTrace.Parse("seconds,workload,demand\n0,mail,3\n600,mail,0\n"), PlatformParameters.Default);
        var mail = Assert.Single(simulation.Workloads);
        Assert.Same(InboxKind.Instance, mail.Kind);
        // The planned scaling reaches the 3 messages in flight, and never more than maxInboxWorkers.
        Assert.Contains(mail.Series, p => p.Running == 3);
        Assert.All(mail.Series, p => Assert.InRange(p.Running, 0, 4));
    }
}
