using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Multinode.Infra.Planning;
using Multinode.Infra.Schema;
using Multinode.Infra.Values;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Tier two: the real host on port 0, called through a GrpcChannel, with a fake engine on loopback.</summary>
public sealed class PluginHostTests() : HostedPlugin(withLog: true)
{

    private ResourceProvider.ResourceProviderClient Client => new(_channel!);

    /// <summary>How long a test waits for something that should happen at once (a deadline, not a measurement).
    /// </summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Waits until every line the plugin has logged so far has reached the fake engine.</summary>
    private Task LogsArrived() =>
        _plugin!.Services.GetRequiredService<EngineLog>().FlushAsync().WaitAsync(Deadline);

    private Task Configure(string json) =>
        Client.ConfigureAsync(new ConfigureRequest { Args = Struct.Parser.ParseJson(json) }).ResponseAsync;

    private ConstructRequest Request(string type, string name, string inputs) => new()
    {
        Project = "proj",
        Stack = "dev",
        Type = type,
        Name = name,
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = _engineAddress,
        Inputs = Struct.Parser.ParseJson(inputs),
        Providers = { ["kubernetes"] = "urn:pulumi:dev::proj::pulumi:providers:kubernetes::k8s::id-k8s" },
    };

    [Fact]
    public async Task GetSchema_ServesTheGeneratedSchema()
    {
        var response = await Client.GetSchemaAsync(new GetSchemaRequest());
        Assert.Equal(PackageSchema.Generate(KindRegistry.Default), response.Schema);
    }

    [Fact]
    public async Task Construct_RegistersComponentChildrenAndOutputs_AsPlanned()
    {
        await Configure("""{"target":"kubernetes"}""");
        const string inputs = """{"image":"ghcr.io/example/ingest:1","env":{"TOKEN":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":"s3cret"}}}""";
        var response = await Client.ConstructAsync(Request("multinode:index:Daemon", "ingest", inputs));

        var registered = _engine.Registered.ToList();
        var component = registered[0];
        Assert.Equal(("multinode:index:Daemon", "ingest", false, false), (component.Type, component.Name, component.Custom, component.Remote));
        Assert.Equal("urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", component.Parent);
        Assert.Equal("urn:pulumi:dev::proj::multinode:index:Daemon::ingest", response.Urn);

        // Whatever the target plans is what gets registered, in plan order and under the component.
        var plan = Planner.Plan(new ProgramDeclaration(
            [new ResourceDeclaration("ingest", "multinode:index:Daemon", PropertyConverter.ToMap(Struct.Parser.ParseJson(inputs)))],
            new PropertyMap(("target", "kubernetes"))), KindRegistry.Default).Value!.Workloads.Single();
        var children = registered.Skip(1).ToList();
        Assert.Equal(plan.Resources.Select(r => (r.Type, r.Name)).Order(), children.Select(c => (c.Type, c.Name)).Order());
        Assert.All(children, c =>
        {
            Assert.Equal(response.Urn, c.Parent);
            Assert.True(c.Custom && c.AcceptSecrets && c.AcceptResources);
            Assert.Empty(WireSecrets.PlainPaths(c, "s3cret"));
        });
        // The secret is carried, as a secret, into the child that holds it.
        Assert.Contains(children, c => c.Type == "kubernetes:core/v1:Secret" && WireSecrets.InSecret(c.Object, "s3cret"));
        Assert.True(_engine.Outputs.ContainsKey(response.Urn), "RegisterResourceOutputs was called for the component");
        Assert.Equal(PropertyConverter.ToStruct(plan.Outputs).Fields.Keys.Order(), response.State.Fields.Keys.Order());
        // Nothing to warn about, nothing logged: each line would be one more call to the engine per Construct. A line
        // is written before the Construct answers, and has arrived once the plugin's log is flushed.
        await LogsArrived();
        Assert.DoesNotContain(_engine.Logs, l => l.Urn == response.Urn);
    }

    [Fact]
    public async Task Construct_ScheduleThatNeverFires_LogsAWarningOnTheComponent()
    {
        await Configure("""{"target":"kubernetes"}""");
        var response = await Client.ConstructAsync(Request("multinode:index:ScheduledTask", "leap", """{"image":"x","schedule":"0 3 31 2 *"}"""));
        await LogsArrived();
        var warning = Assert.Single(_engine.Logs, l => l.Severity == LogSeverity.Warning);
        Assert.Equal((response.Urn, "ScheduledTask \"leap\": schedule = \"0 3 31 2 *\" never fires: no month in \"2\" has day 31"), (warning.Urn, warning.Message));
    }

    [Fact]
    public async Task Construct_InvalidInputs_IsInvalidArgumentWithPerPropertyDetails()
    {
        await Configure("""{"target":"kubernetes"}""");
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ConstructAsync(Request("multinode:index:Service", "api", """{"image":"x","minReplicas":0,"port":70000}""")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(
            "Service \"api\": minReplicas = 0 is below the minimum of 1\nService \"api\": port = 70000 is above the limit of 65535",
            e.Status.Detail);
        var status = Google.Rpc.Status.Parser.ParseFrom(e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey));
        Assert.Equal(["minReplicas", "port"], status.Details.Single().Unpack<InputPropertiesError>().Errors.Select(x => x.PropertyPath));
        Assert.Empty(_engine.Registered);
    }

    [Fact]
    public async Task UndeclaredRpc_IsUnimplemented()
    {
        var create = new Method<Empty, Empty>(MethodType.Unary, "pulumirpc.ResourceProvider", "Create",
            Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom));
        var e = await Assert.ThrowsAsync<RpcException>(() => _channel!.CreateCallInvoker().AsyncUnaryCall(create, null, new CallOptions(), new Empty()).ResponseAsync);
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task Construct_MonitorRejects_NamesWhatFailed()
    {
        await Configure("""{"target":"kubernetes"}""");
        var request = Request("multinode:index:Daemon", "ingest", """{"image":"x"}""");
        request.MonitorEndpoint = "127.0.0.1:1";
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.StartsWith("registering Daemon \"ingest\" failed:", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Construct_HundredsOfLongFailures_AnsweredBoundedWithTheRestCounted()
    {
        await Configure("""{"target":"kubernetes"}""");
        var inputs = new Struct { Fields = { ["image"] = Value.ForString("x") } };
        for (var i = 0; i < 400; i++) inputs.Fields[$"unknownProperty{i}"] = Value.ForString(new string('v', 200));
        var request = Request("multinode:index:Daemon", new string('n', 30000), "{}");
        request.Inputs = inputs;
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.EndsWith($"… and {401 - ProviderErrors.MaxFailuresReported} more problems not shown (at most {ProviderErrors.MaxFailuresReported} are reported at once)",
            e.Status.Detail, StringComparison.Ordinal);
        Assert.True(e.Status.Detail.Length < ProviderErrors.MaxErrorBytes, $"{e.Status.Detail.Length} characters");
        var status = Google.Rpc.Status.Parser.ParseFrom(e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey));
        Assert.Equal(ProviderErrors.MaxFailuresReported + 1, status.Details.Single().Unpack<InputPropertiesError>().Errors.Count);
        // The connection still serves calls.
        Assert.Equal(PackageSchema.Generate(KindRegistry.Default), (await Client.GetSchemaAsync(new GetSchemaRequest())).Schema);
    }

    [Fact]
    public async Task Construct_NestedBeyondProtobufsReach_InvalidArgumentNamingTheProperty()
    {
        await Configure("""{"target":"kubernetes"}""");
        var deep = Value.ForString("leaf");
        for (var i = 0; i < 200; i++) deep = Value.ForStruct(new Struct { Fields = { ["k"] = deep } });
        var request = Request("multinode:index:Daemon", "ingest", """{"image":"x"}""");
        request.Inputs.Fields["resources"] = deep;
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey));
        Assert.Equal(["resources"], status.Details.Single().Unpack<InputPropertiesError>().Errors.Select(x => x.PropertyPath));
        Assert.Contains("resources nests lists and objects deeper than", e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a host")]
    [InlineData("http://[::1")]
    public async Task Construct_UnusableMonitorEndpoint_IsUnavailable(string endpoint)
    {
        await Configure("""{"target":"kubernetes"}""");
        var request = Request("multinode:index:Daemon", "ingest", """{"image":"x"}""");
        request.MonitorEndpoint = endpoint;
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.EndsWith("is not a usable address (host:port)", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_NullKubernetesSettings_AreTheDefaults()
    {
        await Configure("""{"target":"kubernetes","kubernetes":null}""");
        await Client.ConstructAsync(Request("multinode:index:Daemon", "ingest", """{"image":"x","resources":null}"""));
        Assert.Contains(_engine.Registered, r => r.Type == "kubernetes:apps/v1:Deployment");
    }

    [Fact]
    public async Task InternalError_LogsOneLineAtErrorAndTheStackAtDebug()
    {
        using var log = new EngineLog(_engineAddress);
        Exception thrown;
        try { throw new InvalidOperationException("boom"); }
        catch (InvalidOperationException e) { thrown = e; }
        var rpc = ProviderErrors.ToRpc(thrown, log);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        await log.FlushAsync().WaitAsync(Deadline);
        var error = Assert.Single(_engine.Logs, l => l.Severity == LogSeverity.Error);
        Assert.Equal("internal error: InvalidOperationException: boom", error.Message);
        Assert.Contains(_engine.Logs, l => l.Severity == LogSeverity.Debug && l.Message.Contains("   at ", StringComparison.Ordinal));
    }

    private const string WholeSecretEnv = """{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":{"TOKEN":"s3cret"}}""";
    private const string UnknownEnv = "\"04da6b54-80e4-46f7-96ec-b56ff0331ba9\"";
    private const string SecretUnknownEnv =
        """{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":"04da6b54-80e4-46f7-96ec-b56ff0331ba9"}""";

    private static bool IsSecret(Value v) =>
        v.StructValue?.Fields.TryGetValue(PropertyConverter.SignatureKey, out var sig) == true && sig.StringValue == PropertyConverter.SecretSig;

    [Theory]
    [InlineData(WholeSecretEnv, false, "TOKEN=s3cret\n")]
    [InlineData(SecretUnknownEnv, true, PropertyConverter.UnknownString)]
    public async Task Construct_AwsEnvSecretOrUnknownAsAWhole_GoesToTheSecretsParameter(string env, bool dryRun, string parameterValue)
    {
        await Configure("""{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"],"vpcId":"vpc-1"}}""");
        _engine.DryRun = dryRun;
        var request = Request("multinode:index:Daemon", "ingest", $$"""{"image":"x","env":{{env}}}""");
        request.DryRun = dryRun;
        await Client.ConstructAsync(request);
        var parameter = Assert.Single(_engine.Registered, r => r.Type == "aws:ssm/parameter:Parameter");
        var value = parameter.Object.Fields["value"];
        Assert.True(IsSecret(value), value.ToString());
        Assert.Equal(parameterValue, value.StructValue.Fields["value"].StringValue);
        Assert.Contains("value", parameter.AdditionalSecretOutputs);
        var template = Assert.Single(_engine.Registered, r => r.Type == "aws:ec2/launchTemplate:LaunchTemplate");
        Assert.Empty(WireSecrets.PlainPaths(template, "s3cret"));
    }

    [Theory]
    [InlineData(WholeSecretEnv, false)]
    [InlineData(SecretUnknownEnv, true)]
    public async Task Construct_KubernetesEnvSecretOrUnknownAsAWhole_IsASecretReadThroughEnvFrom(string env, bool dryRun)
    {
        await Configure("""{"target":"kubernetes"}""");
        _engine.DryRun = dryRun;
        var request = Request("multinode:index:Daemon", "ingest", $$"""{"image":"x","env":{{env}}}""");
        request.DryRun = dryRun;
        await Client.ConstructAsync(request);
        var secret = Assert.Single(_engine.Registered, r => r.Type == "kubernetes:core/v1:Secret");
        Assert.True(IsSecret(secret.Object.Fields["stringData"]), secret.Object.ToString());
        var deployment = Assert.Single(_engine.Registered, r => r.Type == "kubernetes:apps/v1:Deployment");
        var container = deployment.Object.Fields["spec"].StructValue.Fields["template"].StructValue.Fields["spec"].StructValue
            .Fields["containers"].ListValue.Values[0].StructValue;
        Assert.Equal("ingest-env", container.Fields["envFrom"].ListValue.Values[0].StructValue.Fields["secretRef"].StructValue.Fields["name"].StringValue);
        Assert.Empty(WireSecrets.PlainPaths(deployment, "s3cret"));
    }

    /// <summary>A plain env unknown as a whole in preview (another resource's non-secret output) is a plain env in
    /// update: preview registers no secrets parameter or Secret that update would not.</summary>
    [Theory]
    [InlineData("aws", "aws:ssm/parameter:Parameter")]
    [InlineData("kubernetes", "kubernetes:core/v1:Secret")]
    public async Task Construct_PlainEnvUnknownAsAWhole_RegistersNoSecretHolder(string target, string holder)
    {
        await Configure(target == "aws"
            ? """{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"],"vpcId":"vpc-1"}}"""
            : """{"target":"kubernetes"}""");
        _engine.DryRun = true;
        var request = Request("multinode:index:Daemon", "ingest", $$"""{"image":"x","env":{{UnknownEnv}}}""");
        request.DryRun = true;
        await Client.ConstructAsync(request);
        Assert.NotEmpty(_engine.Registered);
        Assert.DoesNotContain(_engine.Registered, r => r.Type == holder);
    }

    [Fact]
    public async Task Shutdown_InFlightConstruct_IsCancelledAndAnsweredAtOnce()
    {
        await Configure("""{"target":"kubernetes"}""");
        _engine.Hold = new TaskCompletionSource();
        var call = Client.ConstructAsync(Request("multinode:index:Daemon", "ingest", """{"image":"x"}""")).ResponseAsync;
        await _engine.Holding.Task.WaitAsync(Deadline);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // What SIGTERM does: the host's lifetime stops.
        var stopping = _plugin!.StopAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        await stopping;
        // Without the cancellation the host would wait its whole grace for the call the engine holds.
        Assert.True(watch.Elapsed < PluginHost.ShutdownGrace, $"answered and stopped after {watch.Elapsed}");
    }

    [Fact]
    public async Task WatchEngine_EngineGone_StopsThePlugin()
    {
        // The engine's address as the watcher sees it: a listener that counts the probes it accepts.
        var engine = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        engine.Start();
        var probes = 0;
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                using var probe = await engine.AcceptTcpClientAsync();
                Interlocked.Increment(ref probes);
            }
        });
        var lifetime = new TestLifetime();
        var watch = PluginHost.WatchEngineAsync($"127.0.0.1:{((IPEndPoint)engine.LocalEndpoint).Port}", lifetime,
            TimeSpan.FromMilliseconds(100));
        // The watcher probes one at a time and only goes on while it keeps the plugin running: a third probe proves
        // that the first two, answered, did not stop it.
        var until = DateTime.UtcNow + Deadline;
        while (Volatile.Read(ref probes) < 3 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(Volatile.Read(ref probes) >= 3, $"{probes} probes within {Deadline}");
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "stopped while the engine was alive");
        engine.Stop();
        await watch.WaitAsync(Deadline);
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
    }
}

public sealed class PluginAnswerTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("--help")]
    public async Task Plugin_VersionOrHelp_AnswersAndExitsInsteadOfServing(string flag)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", typeof(PluginHost).Assembly.Location, flag }) start.ArgumentList.Add(arg);
        using var plugin = System.Diagnostics.Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stdout = await plugin.StandardOutput.ReadToEndAsync(timeout.Token);
        await plugin.WaitForExitAsync(timeout.Token); // a plugin that served would print a port and keep running
        Assert.Equal(0, plugin.ExitCode);
        if (flag == "--version") Assert.Equal($"{PackageSchema.Version}\n", stdout);
        else Assert.Contains($"pulumi plugin install resource multinode {PackageSchema.Version}", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("127.0.0.1:1234")]
    [InlineData("--logtostderr", "-v=9", "127.0.0.1:1234")]
    [InlineData("--version", "127.0.0.1:1234")]
    public void Answer_EngineArguments_ServeInstead(params string[] args) => Assert.Null(PluginHost.Answer(args));
}
