using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Multinode.Infra.Values;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>A Construct registers all of its workload or nothing: every check runs before the first registration, and
/// a workload the engine did not take counts toward no quota.</summary>
public sealed class AllOrNothingTests : IAsyncLifetime
{
    private const string Stack = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
    private readonly FakeEngine _engine = new();
    private WebApplication? _host;
    private string _address = "";

    public async Task InitializeAsync() => (_host, _address) = await _engine.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private ConstructRequest Request(string name, PropertyMap inputs, string? endpoint = null) => new()
    {
        Type = "multinode:index:Function",
        Name = name,
        Parent = Stack,
        MonitorEndpoint = endpoint ?? _address,
        DryRun = true,
        Inputs = PropertyConverter.ToStruct(inputs),
    };

    private static ConfiguredProvider Kubernetes(params (string, PropertyValue?)[] extra) =>
        ConfiguredProvider.Read(new PropertyMap([("target", "kubernetes"), .. extra]), KindRegistry.Default).Value!;

    [Fact]
    public async Task ConstructAsync_ChildAboveTheMessageLimit_RefusedBeforeAnyRegistration()
    {
        // 5 MB in one env value: within every input rule, but the Deployment carrying it is above gRPC's 4 MB default
        // message size (grpc.io, "Performance best practices": default max receive message size 4 MB).
        var inputs = new PropertyMap(("image", "img"), ("env", new PropertyMap(("BIG", new string('b', 5 * 1024 * 1024)))));
        using var constructor = new ComponentConstructor(new EngineLog(null));
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() =>
            constructor.ConstructAsync(Request("big", inputs), Kubernetes(), CancellationToken.None));
        var failure = Assert.Single(e.Failures, f => f.Message.Contains("kubernetes:apps/v1:Deployment", StringComparison.Ordinal));
        Assert.Contains($"above the {4 * 1024 * 1024} bytes (4 MB)", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_engine.Registered);
    }

    [Fact]
    public async Task ConstructAsync_SameNameOfAnotherKindOnKubernetes_RefusedNamingBoth()
    {
        // One namespace holds one Deployment "ingest" (kubernetes.io, "Object Names and IDs").
        using var constructor = new ComponentConstructor(new EngineLog(null));
        var inputs = new PropertyMap(("image", "img"));
        var daemon = Request("ingest", inputs);
        daemon.Type = "multinode:index:Daemon";
        await constructor.ConstructAsync(daemon, Kubernetes(), CancellationToken.None);
        var service = Request("ingest", inputs);
        service.Type = "multinode:index:Service";
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(service, Kubernetes(), CancellationToken.None));
        var failure = Assert.Single(e.Failures);
        Assert.StartsWith("Service \"ingest\": name = \"ingest\" plans the child kubernetes:apps/v1:Deployment \"ingest\", which Daemon \"ingest\" plans too",
            failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_engine.Registered, r => r.Type == "multinode:index:Service");
    }

    [Fact]
    public async Task ConstructAsync_RegistrationFailed_CountsTowardNoQuota()
    {
        using var constructor = new ComponentConstructor(new EngineLog(null));
        var config = Kubernetes(("quotas", new PropertyMap(("cpu", 10))));
        var eight = new PropertyMap(("image", "img"), ("maxWorkers", 8), ("resources", new PropertyMap(("cpu", 1))));
        // The engine refuses the first (its monitor is gone): nothing of it exists.
        await Assert.ThrowsAsync<RpcException>(() =>
            constructor.ConstructAsync(Request("first", eight, endpoint: "127.0.0.1:1"), config, CancellationToken.None));
        // 8 of 10 vCPUs: fits alone, which it is.
        await constructor.ConstructAsync(Request("second", eight), config, CancellationToken.None);
        Assert.Contains(_engine.Registered, r => r.Name == "second" && !r.Custom);
    }
}
