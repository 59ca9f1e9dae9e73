using System.Text;
using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using YamlDotNet.RepresentationModel;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>Plans small YAML programs on AWS and reads planned inputs by path, for the AWS target's tests.</summary>
internal static class AwsPlanning
{
    public const string Config = """
        target: aws
        aws:
          vpcId: vpc-0123456789abcdef0
          subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]
        """;

    /// <summary>Plans the workloads of <paramref name="resourcesYaml"/> (a Pulumi YAML <c>resources:</c> body) with
    /// <paramref name="configYaml"/> as the multinode config.</summary>
    public static Result<Plan> Plan(string resourcesYaml, string configYaml = Config)
    {
        var resources = (YamlMappingNode)Load(resourcesYaml);
        var declarations = resources.Children.Select(r =>
        {
            var body = (YamlMappingNode)r.Value;
            var type = ((YamlScalarNode)body.Children[new YamlScalarNode("type")]).Value!;
            var properties = body.Children.TryGetValue(new YamlScalarNode("properties"), out var p)
                ? ((ObjectValue)ProgramLoader.Convert(p, _ => null)).Map
                : PropertyMap.Empty;
            return new ResourceDeclaration(((YamlScalarNode)r.Key).Value!, type, properties);
        }).ToList();
        var config = ((ObjectValue)ProgramLoader.Convert(Load(configYaml), _ => null)).Map;
        return Planner.Plan(new ProgramDeclaration(declarations, config), KindRegistry.Default);
    }

    /// <summary>The plan of the only workload, failing the test with every failure when planning failed.</summary>
    public static WorkloadPlan PlanOne(string resourcesYaml, string configYaml = Config)
    {
        var result = Plan(resourcesYaml, configYaml);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return Assert.Single(result.Value!.Workloads);
    }

    /// <summary>The failures of planning, as the CLI prints them.</summary>
    public static IReadOnlyList<string> Failures(string resourcesYaml, string configYaml = Config)
    {
        var result = Plan(resourcesYaml, configYaml);
        Assert.False(result.IsValid, "expected planning to fail");
        return [.. result.Failures.Select(f => f.ToString())];
    }

    /// <summary>The boot script of a launch template, decoded from base64.</summary>
    public static string UserDataText(this PlannedResource launchTemplate) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(launchTemplate.Text("userData")));

    private static YamlNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }
}
