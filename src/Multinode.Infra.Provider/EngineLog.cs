using System.Collections.Concurrent;
using Grpc.Net.Client;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>Logs through the engine's <c>pulumirpc.Engine/Log</c> so messages show up in `pulumi preview`;
/// to stderr when there is no engine (stdout carries only the port).</summary>
public sealed class EngineLog : IDisposable
{
    private readonly GrpcChannel? _channel;
    private readonly Engine.EngineClient? _client;

    /// <summary>The lines on their way to the engine.</summary>
    private readonly ConcurrentDictionary<Task, bool> _sending = new();

    public EngineLog(string? engineAddress)
    {
        if (string.IsNullOrEmpty(engineAddress)) return;
        _channel = Channels.Open(Channels.Address(engineAddress));
        _client = new Engine.EngineClient(_channel);
    }

    public void Debug(string message, string urn = "") => Write(LogSeverity.Debug, message, urn);
    public void Info(string message, string urn = "") => Write(LogSeverity.Info, message, urn);
    public void Warning(string message, string urn = "") => Write(LogSeverity.Warning, message, urn);
    public void Error(string message, string urn = "") => Write(LogSeverity.Error, message, urn);

    /// <summary>Fire and forget: a log line must never fail or slow down an RPC.</summary>
    public void Write(LogSeverity severity, string message, string urn = "")
    {
        if (_client is null)
        {
            Console.Error.WriteLine($"[{severity}] {message}");
            return;
        }
        var send = SendAsync(_client, new LogRequest { Severity = severity, Message = message, Urn = urn });
        _sending[send] = true;
        _ = send.ContinueWith(sent => _sending.TryRemove(sent, out _), TaskScheduler.Default);
    }

    /// <summary>Completes when every line written so far has been answered by the engine or has failed (each send
    /// has its own deadline): after it, a line that was written has arrived.</summary>
    public Task FlushAsync() => Task.WhenAll(_sending.Keys);

    private static async Task SendAsync(Engine.EngineClient client, LogRequest request)
    {
        try
        {
            await client.LogAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException e)
        {
            await Console.Error.WriteLineAsync($"[{request.Severity}] {request.Message} (engine log failed: {e.Status.Detail})").ConfigureAwait(false);
        }
    }

    public void Dispose() => _channel?.Dispose();
}

/// <summary>Engine and monitor addresses arrive as host:port; the plugin's client channels to them.</summary>
public static class Channels
{
    /// <summary>Largest answer the plugin's client reads: gRPC's default, 4 MB. The engine's monitor answers a
    /// registration with the child's state, as large as its inputs; <see cref="ChildSizes"/> checks each child against
    /// it before Construct registers anything. (The engine's own limit is larger; the Kubernetes API server takes
    /// requests up to 3 MB and etcd objects up to 1.5 MB, AWS inputs are far smaller.)</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    public static string Address(string endpoint) =>
        endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : $"http://{endpoint}";

    /// <summary>
    /// A channel to the engine (its Log service or its ResourceMonitor) at <paramref name="address"/>, which is on the
    /// same machine: one HTTP/2 connection kept for the plugin's lifetime, without a proxy (an <c>HTTP_PROXY</c> meant
    /// for the cloud must not carry loopback calls), redirects or cookies, which gRPC never uses and which each add a
    /// handler to every call. Construct makes one call per child (bench/construct-time.sh measures them).
    /// </summary>
    public static GrpcChannel Open(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = MaxMessageBytes,
        HttpHandler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ActivityHeadersPropagator = null,
        },
        DisposeHttpClient = true,
    });
}
