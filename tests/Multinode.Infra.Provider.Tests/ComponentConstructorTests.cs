using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>
/// Registration of a hand-made plan with children, references, secrets and options against a fake monitor on
/// loopback: the part of Construct the targets will exercise, checked before they exist.
/// </summary>
public sealed class ComponentConstructorTests : IAsyncLifetime
{
    private const string Stack = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
    private const string AwsProvider = "urn:pulumi:dev::proj::pulumi:providers:aws::default::id-aws";
    private const string ImageDependency = "urn:pulumi:dev::proj::aws:ecr/image:Image::img";
    private readonly FakeEngine _engine = new();
    private WebApplication? _host;
    private string _address = "";

    public async Task InitializeAsync()
    {
        (_host, _address) = await _engine.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private static WorkloadPlan Plan()
    {
        var workload = WorkloadReader.Read(FunctionKind.Instance, "square",
            new PropertyMap(("image", "img"), ("env", new PropertyMap(("TOKEN", PropertyValue.Secret("t0ken")))))).Value!;
        PlannedResource[] resources =
        [
            new("aws:sqs/queue:Queue", "square-queue", new PropertyMap(("name", "square"), ("tags", new PropertyMap(("team", "x")))), ResourceOptions.None),
            new("aws:iam/role:Role", "square-role", new PropertyMap(("assumeRolePolicy", "{}")), ResourceOptions.None),
            new("aws:ec2/launchTemplate:LaunchTemplate", "square-lt", new PropertyMap(
                ("userData", PropertyValue.Secret("TOKEN=t0ken")),
                ("iamInstanceProfile", new PropertyMap(("arn", PropertyValue.Reference("square-role", "arn")))),
                ("team", PropertyValue.Reference("square-queue", "tags.team")),
                ("names", PropertyValue.From([PropertyValue.Secret(PropertyValue.Concat("q-", PropertyValue.Reference("square-queue", "name"))),
                    new PropertyMap(("role", PropertyValue.Reference("square-role", "assumeRolePolicy")), ("queue", PropertyValue.Reference("square-queue", "name")))]))),
                new ResourceOptions { ReplaceOnChanges = ["userData"], AdditionalSecretOutputs = ["userData"] }),
            new("aws:autoscaling/group:Group", "square-asg", new PropertyMap(
                ("launchTemplate", new PropertyMap(("id", PropertyValue.Reference("square-lt", "id")))),
                ("maxSize", 20),
                ("queueUrl", PropertyValue.Reference("square-queue", "url"))),
                new ResourceOptions { DeleteBeforeReplace = true, IgnoreChanges = ["desiredCapacity"] })
            {
                ExtraDependsOn = ["square-role"],
            },
        ];
        var outputs = new PropertyMap(
            ("children", PropertyValue.Strings(resources.Select(r => r.Name))),
            ("queue", PropertyValue.Reference("square-queue", "url")),
            ("token", PropertyValue.Secret(PropertyValue.Reference("square-queue", "name"))));
        return new WorkloadPlan(workload, resources, outputs, Summaries.AtMaximumScale(workload));
    }

    private async Task<(ConstructResponse Response, Dictionary<string, RegisterResourceRequest> Children)> Register(bool dryRun)
    {
        _engine.DryRun = dryRun;
        var request = new ConstructRequest
        {
            Type = "multinode:index:Function",
            Name = "square",
            Parent = Stack,
            MonitorEndpoint = _address,
            DryRun = dryRun,
            Providers = { ["aws"] = AwsProvider },
        };
        var dependencies = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal) { ["image"] = new(StringComparer.Ordinal) { ImageDependency } };
        var response = await new ComponentConstructor(new EngineLog(null)).RegisterAsync(request, Plan(), dependencies, CancellationToken.None);
        var children = _engine.Registered.Where(r => r.Custom).ToDictionary(r => r.Name);
        return (response, children);
    }

    private static string Urn(string type, string name) => $"urn:pulumi:dev::proj::multinode:index:Function${type}::{name}";

    [Fact]
    public async Task RegisterAsync_Up_ResolvesReferencesAndPassesDependenciesOptionsAndSecrets()
    {
        var (response, children) = await Register(dryRun: false);
        var order = _engine.Registered.Select(r => r.Name).ToList();
        Assert.Equal("square", order[0]);
        Assert.True(order.IndexOf("square-lt") > order.IndexOf("square-role") && order.IndexOf("square-lt") > order.IndexOf("square-queue"));
        Assert.True(order.IndexOf("square-asg") > order.IndexOf("square-lt"));

        var queueUrn = Urn("aws:sqs/queue:Queue", "square-queue");
        var ltUrn = Urn("aws:ec2/launchTemplate:LaunchTemplate", "square-lt");
        var roleUrn = Urn("aws:iam/role:Role", "square-role");
        var asg = children["square-asg"];
        Assert.Equal(response.Urn, asg.Parent);
        Assert.Equal(AwsProvider, asg.Provider);
        Assert.Equal(Multinode.Infra.Targets.Aws.AwsTarget.Default.ChildPackage.Version, asg.Version);
        Assert.Equal(new[] { ltUrn, queueUrn, roleUrn, ImageDependency }.Order(StringComparer.Ordinal), asg.Dependencies.Order(StringComparer.Ordinal));
        Assert.Equal([ltUrn], asg.PropertyDependencies["launchTemplate"].Urns);
        Assert.Equal([queueUrn], asg.PropertyDependencies["queueUrl"].Urns);
        Assert.False(asg.PropertyDependencies.ContainsKey("maxSize"));
        Assert.Equal("id-square-lt", asg.Object.Fields["launchTemplate"].StructValue.Fields["id"].StringValue);
        Assert.Equal(20, asg.Object.Fields["maxSize"].NumberValue);
        Assert.Equal(Value.KindOneofCase.NullValue, asg.Object.Fields["queueUrl"].KindCase);
        Assert.True(asg.DeleteBeforeReplace && asg.DeleteBeforeReplaceDefined);
        Assert.Equal(["desiredCapacity"], asg.IgnoreChanges);

        var lt = children["square-lt"];
        var userData = lt.Object.Fields["userData"].StructValue.Fields;
        Assert.Equal(PropertyConverter.SecretSig, userData[PropertyConverter.SignatureKey].StringValue);
        Assert.Equal("x", lt.Object.Fields["team"].StringValue);
        Assert.Equal(["userData"], lt.ReplaceOnChanges);
        Assert.Equal(["userData"], lt.AdditionalSecretOutputs);
        Assert.DoesNotContain(children.Values, c => c.Dependencies.Count == 0 || !c.Dependencies.Contains(ImageDependency));

        Assert.Equal(Value.KindOneofCase.NullValue, response.State.Fields["queue"].KindCase);
        Assert.Equal(PropertyConverter.SecretSig, response.State.Fields["token"].StructValue.Fields[PropertyConverter.SignatureKey].StringValue);
        Assert.Equal("square", response.State.Fields["token"].StructValue.Fields["value"].StringValue);
        Assert.Equal([queueUrn], response.StateDependencies["queue"].Urns);
        Assert.False(response.StateDependencies.ContainsKey("children"));
        Assert.Equal(response.State, _engine.Outputs[response.Urn]);
    }

    [Fact]
    public async Task RegisterAsync_ReferencesInsideListsObjectsSecretsAndStrings_ResolvedWithTheirInputsDependencies()
    {
        var (_, children) = await Register(dryRun: false);
        var lt = children["square-lt"];
        var names = lt.Object.Fields["names"].ListValue.Values;
        var secret = names[0].StructValue.Fields;
        Assert.Equal(PropertyConverter.SecretSig, secret[PropertyConverter.SignatureKey].StringValue);
        Assert.Equal("q-square", secret["value"].StringValue);
        Assert.Equal(["role", "queue"], names[1].StructValue.Fields.Keys);
        Assert.Equal("{}", names[1].StructValue.Fields["role"].StringValue);
        Assert.Equal("square", names[1].StructValue.Fields["queue"].StringValue);
        // In order of first appearance, each child once.
        Assert.Equal([Urn("aws:sqs/queue:Queue", "square-queue"), Urn("aws:iam/role:Role", "square-role")], lt.PropertyDependencies["names"].Urns);
        Assert.Equal([Urn("aws:iam/role:Role", "square-role")], lt.PropertyDependencies["iamInstanceProfile"].Urns);
    }

    [Fact]
    public async Task RegisterAsync_Preview_UnknownIdsAndOutputsStayUnknown()
    {
        var (response, children) = await Register(dryRun: true);
        Assert.Equal(PropertyConverter.UnknownString, children["square-asg"].Object.Fields["launchTemplate"].StructValue.Fields["id"].StringValue);
        Assert.Equal(PropertyConverter.UnknownString, children["square-asg"].Object.Fields["queueUrl"].StringValue);
        Assert.Equal(PropertyConverter.UnknownString, children["square-lt"].Object.Fields["iamInstanceProfile"].StructValue.Fields["arn"].StringValue);
        Assert.Equal(PropertyConverter.UnknownString, response.State.Fields["queue"].StringValue);
    }

    [Fact]
    public async Task ConstructAsync_QuotaExceededOverTheProgram_FailsTheComponentThatCrossesIt()
    {
        var constructor = new ComponentConstructor(new EngineLog(null));
        var config = Configured(new PropertyMap(("target", "kubernetes"), ("quotas", new PropertyMap(("gpu", 12)))));
        ConstructRequest Request(string name, int workers) => new()
        {
            Type = "multinode:index:Function",
            Name = name,
            Parent = Stack,
            MonitorEndpoint = _address,
            DryRun = true,
            Inputs = PropertyConverter.ToStruct(new PropertyMap(
                ("image", "img"),
                ("maxWorkers", workers),
                ("resources", new PropertyMap(("gpu", new PropertyMap(("type", "t4"))))))),
        };

        await constructor.ConstructAsync(Request("a", 10), config, CancellationToken.None);
        // The same component constructed again (a second preview step) is not counted twice.
        await constructor.ConstructAsync(Request("a", 10), config, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(Request("b", 5), config, CancellationToken.None));
        Assert.Equal(
            ["provider config: quotas.gpu = 12 is exceeded: the workloads need 15 GPUs at maximum scale (largest: Function \"a\" 10, Function \"b\" 5)"],
            error.Failures.Select(f => f.ToString()));
        Assert.DoesNotContain(_engine.Registered, r => r.Name == "b");
    }

    /// <summary>The CLI plans a whole program at once; the provider constructs it one component at a time. Both
    /// check the program-wide rules in one place (ProgramRules), so the component that crosses a limit fails with the
    /// CLI's words.</summary>
    [Theory]
    [InlineData("""{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"],"vpcId":"vpc-1"},"quotas":{"cpu":40,"gpu":12},"maxHourlyCost":8}""",
        "Function", """{"image":"a","maxWorkers":10,"resources":{"cpu":4,"memory":"16Gi","gpu":{"type":"t4"}}}""",
        "Job", """{"image":"b","maxConcurrency":5,"resources":{"cpu":4,"memory":"8Gi","gpu":{"type":"t4"}}}""",
        "provider config: quotas.cpu = 40 is exceeded: the workloads need 60 vCPU at maximum scale (largest: Function \"first\" 40, Job \"second\" 20)",
        "provider config: quotas.gpu = 12 is exceeded: the workloads need 15 GPUs at maximum scale (largest: Function \"first\" 10, Job \"second\" 5)",
        "provider config: maxHourlyCost = 8 is exceeded: the workloads need a worst-case on-demand cost of $11.28 per hour at maximum scale (largest: Function \"first\" $7.52, Job \"second\" $3.76)")]
    [InlineData("""{"target":"kubernetes","quotas":{"memory":"100Gi"}}""",
        "Service", """{"image":"a","maxReplicas":8,"resources":{"memory":"8Gi"}}""",
        "Daemon", """{"image":"b","resources":{"memory":"40Gi"}}""",
        "provider config: quotas.memory = \"100Gi\" is exceeded: the workloads need 104Gi of memory at maximum scale (largest: Service \"first\" 64Gi, Daemon \"second\" 40Gi)")]
    public async Task ConstructAsync_ProgramOverQuotaOrBudget_FailsWithTheCliPlannersWords(string configJson, string firstKind, string first,
        string secondKind, string second, params string[] expected)
    {
        var config = PropertyConverter.ToMap(Struct.Parser.ParseJson(configJson));
        ResourceDeclaration Declaration(string kind, string name, string json) =>
            new(name, $"multinode:index:{kind}", PropertyConverter.ToMap(Struct.Parser.ParseJson(json)));
        var program = new ProgramDeclaration([Declaration(firstKind, "first", first), Declaration(secondKind, "second", second)], config);
        var cli = Planner.Plan(program, KindRegistry.Default);

        var constructor = new ComponentConstructor(new EngineLog(null));
        ConstructRequest Request(ResourceDeclaration d) => new()
        {
            Type = d.Token,
            Name = d.Name,
            Parent = Stack,
            MonitorEndpoint = _address,
            DryRun = true,
            Inputs = PropertyConverter.ToStruct(d.Properties),
        };
        await constructor.ConstructAsync(Request(program.Resources[0]), Configured(config), CancellationToken.None);
        var provider = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            constructor.ConstructAsync(Request(program.Resources[1]), Configured(config), CancellationToken.None));

        Assert.Equal(string.Join("\n", expected), string.Join("\n", cli.Failures));
        Assert.Equal(string.Join("\n", expected), string.Join("\n", provider.Failures));
        Assert.Equal(cli.Failures, provider.Failures);
    }

    [Fact]
    public async Task ConstructAsync_ChildUrnTakenByAnEarlierComponent_FailsNamingBoth()
    {
        var constructor = new ComponentConstructor(new EngineLog(null));
        var config = Configured(new PropertyMap(("target", "aws"), ("aws", new PropertyMap(
            ("subnetIds", PropertyValue.Strings(["subnet-a", "subnet-b"])), ("vpcId", "vpc-1")))));
        ConstructRequest Request(string name) => new()
        {
            Type = "multinode:index:Service",
            Name = name,
            Parent = Stack,
            MonitorEndpoint = _address,
            DryRun = true,
            Inputs = PropertyConverter.ToStruct(new PropertyMap(("image", "img"))),
        };

        await constructor.ConstructAsync(Request("api"), config, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(Request("api-lb"), config, CancellationToken.None));
        Assert.Equal(
            ["Service \"api-lb\": name = \"api-lb\" plans the child aws:ec2/securityGroup:SecurityGroup \"api-lb-sg\", which Service \"api\" plans too; their URNs would be the same, which the engine refuses: rename one of the two"],
            error.Failures.Select(f => f.ToString()));
        Assert.DoesNotContain(_engine.Registered, r => r.Type == "multinode:index:Service" && r.Name == "api-lb");
    }

    private ConstructRequest AwsRequest(string type, string name) => new()
    {
        Type = type,
        Name = name,
        Parent = Stack,
        MonitorEndpoint = _address,
        DryRun = true,
        Inputs = PropertyConverter.ToStruct(new PropertyMap(("image", "img"))),
        Providers = { ["aws"] = AwsProvider },
    };

    private static ConfiguredProvider AwsConfig(params (string, PropertyValue?)[] extra) => Configured(new(("target", "aws"), ("aws", new PropertyMap(
        [("subnetIds", PropertyValue.Strings(["subnet-a", "subnet-b"])), .. extra]))));

    private static ConfiguredProvider Configured(PropertyMap config) => ConfiguredProvider.Read(config, KindRegistry.Default).Value!;

    [Fact]
    public async Task ConstructAsync_WithoutVpcId_InvokesGetSubnetThroughTheAwsProvider()
    {
        await new ComponentConstructor(new EngineLog(null)).ConstructAsync(AwsRequest("multinode:index:Service", "api"), AwsConfig(), CancellationToken.None);
        var invoke = Assert.Single(_engine.Invokes);
        Assert.Equal(("aws:ec2/getSubnet:getSubnet", "subnet-a", AwsProvider, true),
            (invoke.Tok, invoke.Args.Fields["id"].StringValue, invoke.Provider, invoke.AcceptResources));
        var inVpc = _engine.Registered.Where(r => r.Type is "aws:ec2/securityGroup:SecurityGroup" or "aws:lb/targetGroup:TargetGroup").ToList();
        Assert.Equal(3, inVpc.Count);
        Assert.All(inVpc, r => Assert.Equal("vpc-of-subnet-a", r.Object.Fields["vpcId"].StringValue));
    }

    [Fact]
    public async Task ConstructAsync_SeveralComponents_ShareOneConnectionToTheMonitor()
    {
        using var constructor = new ComponentConstructor(new EngineLog(null));
        await constructor.ConstructAsync(AwsRequest("multinode:index:Service", "api"), AwsConfig(), CancellationToken.None);
        await constructor.ConstructAsync(AwsRequest("multinode:index:Daemon", "d"), AwsConfig(), CancellationToken.None);
        Assert.Equal(2, _engine.Invokes.Count);
        Assert.True(_engine.Registered.Count > 10);
        Assert.Single(_engine.Peers.Distinct());
    }

    [Fact]
    public async Task ConstructAsync_ExplicitVpcId_WinsWithoutAnInvoke()
    {
        await new ComponentConstructor(new EngineLog(null)).ConstructAsync(AwsRequest("multinode:index:Daemon", "d"), AwsConfig(("vpcId", "vpc-mine")), CancellationToken.None);
        Assert.Empty(_engine.Invokes);
        Assert.Equal("vpc-mine", _engine.Registered.Single(r => r.Name == "d-sg").Object.Fields["vpcId"].StringValue);
    }

    [Fact]
    public async Task ConstructAsync_SubnetNotFound_FailsNamingTheSubnetAndTheWayOut()
    {
        var config = Configured(new PropertyMap(("target", "aws"), ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-missing"]))))));
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            new ComponentConstructor(new EngineLog(null)).ConstructAsync(AwsRequest("multinode:index:Daemon", "d"), config, CancellationToken.None));
        Assert.Equal("looking up the VPC of subnet subnet-missing (aws:ec2/getSubnet:getSubnet) failed: id: no subnet subnet-missing; set multinode:aws.vpcId to skip the lookup", error.Status.Detail);
        Assert.Empty(_engine.Registered);
    }
}
