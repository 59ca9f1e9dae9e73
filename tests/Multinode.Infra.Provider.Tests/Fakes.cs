using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>A call context for calling service methods directly.</summary>
public sealed class TestCallContext : ServerCallContext
{
    private readonly CancellationToken _token;

    public TestCallContext(CancellationToken token = default) => _token = token;

    protected override string MethodCore => "test";
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => _token;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

public sealed class TestLifetime : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;
    public CancellationToken ApplicationStopping => _stopping.Token;
    public CancellationToken ApplicationStopped => CancellationToken.None;
    public void StopApplication() => _stopping.Cancel();
}

/// <summary>The real plugin host on port 0 with a fake engine on loopback, started and stopped around each test class
/// instance: tier two of the provider tests and the fuzz test share it.</summary>
public abstract class HostedPlugin(bool withLog = false, EngineCalls? calls = null) : IAsyncLifetime
{
    protected readonly FakeEngine _engine = new();
    protected WebApplication? _engineHost;
    protected WebApplication? _plugin;
    protected GrpcChannel? _channel;
    protected string _engineAddress = "";

    public virtual async Task InitializeAsync()
    {
        (_engineHost, _engineAddress) = await _engine.StartAsync(withLog);
        _plugin = await PluginHost.StartAsync(KindRegistry.Default, _engineAddress, calls: calls);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{PluginHost.Port(_plugin)}");
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_plugin is not null) await _plugin.DisposeAsync();
        if (_engineHost is not null) await _engineHost.DisposeAsync();
    }
}
