using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>The queue kind defined only in the tests (<see cref="InboxKind"/>) through the plugin: the service class
/// with its registry, Configure then Construct against a fake engine, in-process. What it registers is what the
/// planner plans for the same declaration with the same registry.</summary>
public sealed class ThrowAwayQueueKindTests : IAsyncLifetime
{
    private const string Stack = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
    private readonly FakeEngine _engine = new();
    private readonly ProviderState _state = new();
    private readonly TestLifetime _lifetime = new();
    private WebApplication? _host;
    private string _address = "";

    public async Task InitializeAsync() => (_host, _address) = await _engine.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private ResourceProviderService Service(KindRegistry kinds)
    {
        var log = new EngineLog(null);
        return new ResourceProviderService(_state, new ComponentConstructor(log), new InstanceTypeSelector(log), _lifetime, log, kinds);
    }

    private ConstructRequest Request() => new()
    {
        Type = "multinode:index:Inbox",
        Name = "mail",
        Parent = Stack,
        MonitorEndpoint = _address,
        DryRun = true,
        Inputs = PropertyConverter.ToStruct(new PropertyMap(("image", "img"), ("maxInboxWorkers", 7))),
    };

    [Theory]
    [InlineData("""{"target":"kubernetes"}""")]
    [InlineData("""{"target":"aws","aws":{"vpcId":"vpc-1","subnetIds":["subnet-a","subnet-b"]}}""")]
    public async Task Construct_QueueKindInTheRegistry_RegistersWhatThePlannerPlans(string config)
    {
        _engine.DryRun = true;
        var service = Service(InboxKind.Kinds);
        await service.Configure(new ConfigureRequest { Args = Struct.Parser.ParseJson(config) }, new TestCallContext());
        var response = await service.Construct(Request(), new TestCallContext());

        var planned = Planner.Plan(new ProgramDeclaration(
            [new ResourceDeclaration("mail", "multinode:index:Inbox", new PropertyMap(("image", "img"), ("maxInboxWorkers", 7)))],
            PropertyConverter.ToMap(Struct.Parser.ParseJson(config))), InboxKind.Kinds);
        Assert.True(planned.IsValid, string.Join("\n", planned.Failures));
        var children = Assert.Single(planned.Value!.Workloads).Resources;
        Assert.Equal(children.Select(c => (c.Type, c.Name)).Order(),
            _engine.Registered.Where(r => r.Custom).Select(r => (r.Type, r.Name)).Order());
        Assert.Contains(_engine.Registered, r => r.Type == "multinode:index:Inbox" && r.Name == "mail");
        Assert.True(response.State.Fields.ContainsKey("queue"));
    }

    [Fact]
    public async Task Construct_QueueKindNotInTheRegistry_IsNotAMultinodeResource()
    {
        var service = Service(KindRegistry.Default);
        await service.Configure(new ConfigureRequest { Args = Struct.Parser.ParseJson("""{"target":"kubernetes"}""") }, new TestCallContext());
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => service.Construct(Request(), new TestCallContext()));
        Assert.StartsWith("resource \"mail\": type = \"multinode:index:Inbox\" is not a Multinode resource", e.Message, StringComparison.Ordinal);
        Assert.Empty(_engine.Registered);
    }

    [Fact]
    public async Task GetSchema_QueueKindInTheRegistry_PublishesIt()
    {
        var schema = await Service(InboxKind.Kinds).GetSchema(new GetSchemaRequest(), new TestCallContext());
        Assert.Contains("\"multinode:index:Inbox\"", schema.Schema, StringComparison.Ordinal);
    }
}
