using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets;

/// <summary>Every target in <see cref="TargetList.All"/> against every workload kind and its own definition.</summary>
public sealed class TargetListTests
{
    /// <summary>The smallest valid config of each target; a new target must add one here.</summary>
    private static readonly Dictionary<string, string> Configs = new(StringComparer.Ordinal)
    {
        ["aws"] = "{ target: aws, aws: { subnetIds: [subnet-a, subnet-b] } }",
        ["kubernetes"] = "{ target: kubernetes }",
    };

    /// <summary>Values for the inputs a kind requires, by input name (not by kind).</summary>
    private static readonly Dictionary<string, PropertyValue> Required = new(StringComparer.Ordinal)
    {
        ["image"] = "ghcr.io/example/app:1.0.0",
        ["schedule"] = "0 3 * * *",
    };

    public static TheoryData<string, string> TargetsAndKinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in TargetList.All)
            foreach (var kind in WorkloadKinds.All)
                data.Add(target.Name, kind.Name);
        return data;
    }

    [Fact]
    public void All_EveryTarget_HasATestConfig() =>
        Assert.Equal(TargetList.All.Select(t => t.Name).Order(StringComparer.Ordinal), Configs.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(TargetsAndKinds))]
    public void Plan_DefaultDeclarationOfEveryKind_IsPlannedByEveryTarget(string target, string kindName)
    {
        var kind = KindRegistry.Default.Named(kindName);
        var properties = new PropertyMap(kind.Inputs.Where(s => s.Required)
            .Select(s => KeyValuePair.Create(s.Name, Required[s.Name])));
        var result = Planner.Plan(new ProgramDeclaration([new ResourceDeclaration("w", kind.Token, properties)], Yaml.Map(Configs[target])), KindRegistry.Default);

        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        var plan = Assert.Single(result.Value!.Workloads);
        Assert.NotEmpty(plan.Resources);
        // Every child belongs to the package the target registers children with.
        Assert.All(plan.Resources, r => Assert.Equal(TargetList.Named(target)!.ChildPackage.Name, r.Package));
    }

    /// <summary>A kind no target maps: the record type alone is new (Workloads/ThrowAwayKindTests defines a whole kind).</summary>
    private sealed record UnmappedWorkload(string Name) : Workload(Name,
        new Container("app", null, null, PropertyMap.Empty, Container.DefaultTimeoutSeconds, PropertyMap.Empty, []), ResourceRequest.Default)
    {
        public override WorkloadKind Kind => DaemonKind.Instance;
        public override int MaxWorkers => 1;
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Plan_KindTheTargetDoesNotMap_FailsNamingTargetAndKind(string target)
    {
        var config = ProviderConfigReader.Read(Yaml.Map(Configs[target]), KindRegistry.Default).Value!;
        var result = Planner.Plan(config, [new UnmappedWorkload("odd")]);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("Daemon \"odd\"", "type", $"target {target} does not plan kind Daemon"), (failure.Resource, failure.Path, failure.Message));
    }

    [Fact]
    public void Validate_ServiceWithOneSubnetOnAws_FailsOnTheService()
    {
        var program = new ProgramDeclaration(
            [
                new ResourceDeclaration("api", "multinode:index:Service", new PropertyMap(("image", "app:1"))),
                new ResourceDeclaration("d", "multinode:index:Daemon", new PropertyMap(("image", "app:1"))),
            ],
            Yaml.Map("{ target: aws, aws: { subnetIds: [subnet-a] } }"));
        var failure = Assert.Single(Planner.Validate(program, KindRegistry.Default).Failures);
        Assert.Equal("Service \"api\": a Service needs at least two subnets in different availability zones for its load balancer, but aws.subnetIds has 1",
            failure.ToString());
    }

    [Fact]
    public void Read_ChosenTarget_KeepsItsTypedSettingsOnly()
    {
        var aws = ProviderConfigReader.Read(Yaml.Map("{ target: aws, aws: { subnetIds: [subnet-a], region: eu-west-1 } }"), KindRegistry.Default).Value!;
        Assert.Same(AwsTarget.Default, aws.Target);
        Assert.Equal("eu-west-1", aws.SettingsOf<AwsConfig>().Region);
        Assert.Throws<InvalidOperationException>(() => aws.SettingsOf<KubernetesConfig>());
    }

    [Fact]
    public void Read_BlockOfATargetNotChosen_IsStillChecked()
    {
        var result = ProviderConfigReader.Read(Yaml.Map(
            "{ target: aws, aws: { subnetIds: [subnet-a] }, kubernetes: { queue: { kind: redis, region: eu-west-1 } } }"), KindRegistry.Default);
        Assert.Equal(["provider config: kubernetes.queue.region applies only when kubernetes.queue.kind = \"aws-sqs\", but it is \"redis\""],
            result.Failures.Select(f => f.ToString()));
    }

    [Theory]
    [InlineData("aws", "Costs are worst-case (every workload at its maximum), on-demand, us-east-1, from the instance catalog dated 2025-05-01.")]
    [InlineData("kubernetes", "Costs are worst-case (every workload at its maximum), on-demand, us-east-1, from the instance catalog dated 2025-05-01; on Kubernetes each workload is priced as whole nodes of the cheapest catalog type that holds its pods, after the node reserve of docs/aws.md (memory 7.5 % + 355 MiB, CPU by core count).")]
    public void PricingNote_Target_StatesItsBasis(string target, string expected) =>
        Assert.Equal(expected, TargetList.Named(target)!.PricingNote(Multinode.Infra.Catalog.InstanceCatalog.Default));
}
