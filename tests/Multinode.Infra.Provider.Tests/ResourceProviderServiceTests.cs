using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Multinode.Infra.Schema;
using Multinode.Infra.Targets.Aws;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Tier one: the service class called directly, no host.</summary>
public class ResourceProviderServiceTests
{
    private readonly TestLifetime _lifetime = new();
    private readonly ProviderState _state = new();
    private readonly ResourceProviderService _service;

    public ResourceProviderServiceTests()
    {
        var log = new EngineLog(null);
        _service = new ResourceProviderService(_state, new ComponentConstructor(log), new InstanceTypeSelector(log), _lifetime, log, KindRegistry.Default);
    }

    private static Struct Args(string json) => Struct.Parser.ParseJson(json);

    [Fact]
    public async Task Handshake_AnnouncesSecretsResourcesAndOutputs()
    {
        var response = await _service.Handshake(new ProviderHandshakeRequest(), new TestCallContext());
        Assert.True(response.AcceptSecrets);
        Assert.True(response.AcceptResources);
        Assert.True(response.AcceptOutputs);
    }

    [Fact]
    public async Task GetPluginInfo_IsTheSchemaVersion()
    {
        var info = await _service.GetPluginInfo(new Empty(), new TestCallContext());
        Assert.Equal(PackageSchema.Version, info.Version);
    }

    [Fact]
    public async Task CheckConfig_InvalidConfig_ListsEveryFailureWithItsPath()
    {
        var response = await _service.CheckConfig(new CheckRequest { News = Args("""{"target":"aws","aws":{"subnetIds":[]},"maxHourlyCost":-1}""") }, new TestCallContext());
        Assert.Equal(
            [("aws.subnetIds", "aws.subnetIds = [] must name at least one subnet"), ("maxHourlyCost", "maxHourlyCost = -1 is below the minimum of 0")],
            response.Failures.Select(f => (f.Property, f.Reason)).Order());
    }

    [Fact]
    public async Task DiffConfig_SameConfigDifferentPluginVersion_IsNoChange()
    {
        var response = await _service.DiffConfig(new DiffRequest
        {
            Olds = Args("""{"target":"kubernetes","version":"0.1.0"}"""),
            News = Args("""{"target":"kubernetes","version":"0.2.0"}"""),
        }, new TestCallContext());
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffNone, response.Changes);
        Assert.Empty(response.Diffs);
    }

    [Fact]
    public async Task DiffConfig_UnknownValue_IsAChange()
    {
        var response = await _service.DiffConfig(new DiffRequest
        {
            Olds = Args("""{"target":"aws","aws":{"subnetIds":["a"]}}"""),
            News = Args($$"""{"target":"aws","aws":"{{PropertyConverter.UnknownString}}"}"""),
        }, new TestCallContext());
        Assert.Equal(DiffResponse.Types.DiffChanges.DiffSome, response.Changes);
        Assert.Equal(["aws"], response.Diffs);
    }

    [Fact]
    public async Task Configure_Invalid_ThrowsEveryFailureAndKeepsNoConfig()
    {
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            _service.Configure(new ConfigureRequest { Args = Args("""{"target":"gcp"}""") }, new TestCallContext()));
        Assert.Equal("""provider config: target = "gcp" is not one of aws, kubernetes""", e.Message);
        Assert.Null(_state.Config);
    }

    [Fact]
    public async Task Configure_StringsFromPulumiConfigSet_AreAccepted()
    {
        var response = await _service.Configure(new ConfigureRequest
        {
            Args = Args("""{"target":"aws","aws":"{\"subnetIds\":[\"subnet-a\",\"subnet-b\"]}","maxHourlyCost":"40"}"""),
        }, new TestCallContext());
        Assert.True(response.SupportsPreview);
        var config = _state.Config!.Config;
        Assert.Equal(("aws", 40d, """["subnet-a","subnet-b"]"""),
            (config.Target.Name, config.MaxHourlyCost, config.SettingsOf<AwsConfig>().SubnetIds.ToJson()));
        Assert.Equal("subnet-a", _state.Config.VpcLookupSubnet);
    }

    [Fact]
    public async Task Invoke_BadArguments_ComeBackAsFailures()
    {
        var response = await _service.Invoke(new InvokeRequest
        {
            Tok = Functions.SelectInstanceType.Token,
            Args = Args("""{"memory":"lots","gpu":{"count":2}}"""),
        }, new TestCallContext());
        Assert.Null(response.Return);
        Assert.Equal(
            [("gpu.type", "gpu.type is required"), ("memory", "memory = \"lots\" is not a memory quantity such as \"512Mi\", \"16Gi\" or \"16 GiB\"")],
            response.Failures.Select(f => (f.Property, f.Reason)).Order());
    }

    [Fact]
    public async Task Invoke_UnknownToken_IsInvalidArgument()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            _service.Invoke(new InvokeRequest { Tok = "multinode:index:nope" }, new TestCallContext()));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task Construct_InvalidInputs_ThrowsEveryFailureBeforeTouchingTheMonitor()
    {
        await _service.Configure(new ConfigureRequest { Args = Args("""{"target":"kubernetes"}""") }, new TestCallContext());
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => _service.Construct(new ConstructRequest
        {
            Type = "multinode:index:Function",
            Name = "square",
            // No monitor listens here: validation must fail first.
            MonitorEndpoint = "127.0.0.1:1",
            Inputs = Args("""{"image":"img","maxWorkers":150,"spareWorkers":-1}"""),
        }, new TestCallContext()));
        Assert.Equal(
            """
            Function "square": maxWorkers = 150 is above the limit of 100
            Function "square": spareWorkers = -1 is below the minimum of 0
            """.ReplaceLineEndings("\n"), e.Message);
    }

    [Fact]
    public async Task Cancel_StopsTheHostAfterAnswering()
    {
        await _service.Cancel(new Empty(), new TestCallContext());
        Assert.True(_state.Cancellation.IsCancellationRequested);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _lifetime.ApplicationStopping.Register(stopping.SetResult);
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void InvalidInput_CarriesInputPropertiesErrorInStatusDetails()
    {
        var e = ProviderErrors.InvalidInput([
            new Validation.ValidationFailure("Function \"f\"", "maxWorkers", "maxWorkers = 150 is above the limit of 100"),
            new Validation.ValidationFailure("Function \"f\"", "resources.gpu.count", "resources.gpu.count = 9 is above the limit of 8"),
        ]);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Function \"f\": maxWorkers = 150 is above the limit of 100\nFunction \"f\": resources.gpu.count = 9 is above the limit of 8", e.Status.Detail);
        var status = Google.Rpc.Status.Parser.ParseFrom(e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey));
        Assert.Equal(3, status.Code);
        Assert.Equal("type.googleapis.com/pulumirpc.InputPropertiesError", status.Details.Single().TypeUrl);
        var details = status.Details.Single().Unpack<InputPropertiesError>();
        Assert.Equal(["maxWorkers", "resources.gpu.count"], details.Errors.Select(x => x.PropertyPath));
        Assert.Equal("resources.gpu.count = 9 is above the limit of 8", details.Errors[1].Reason);
    }

    [Theory]
    [InlineData(new[] { "127.0.0.1:4000" }, "127.0.0.1:4000")]
    [InlineData(new[] { "--logtostderr", "-v=9", "--tracing", "file:/tmp/t", "127.0.0.1:4000" }, "127.0.0.1:4000")]
    [InlineData(new[] { "--tracing=x", "localhost:1" }, "localhost:1")]
    [InlineData(new string[0], null)]
    public void EngineAddress_IsTheOnePositionalArgument(string[] args, string? expected)
    {
        Assert.Equal(expected, PluginHost.EngineAddress(args));
    }

    [Fact]
    public void Schema_IsTheCommittedSchemaJson()
    {
        var committed = File.ReadAllText(Path.Combine(Repo.Root(), "schema.json"));
        Assert.True(committed == PackageSchema.Generate(KindRegistry.Default),
            "schema.json drifted from the workload model; regenerate it with `dotnet run --project src/Multinode.Infra.Cli -- schema > schema.json` and review the diff");
    }
}
