using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Multinode.Infra.Values;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>
/// One gRPC channel per ResourceMonitor endpoint for the plugin's lifetime. The engine serves one monitor for a whole
/// preview or update, and connecting anew for each Construct cost more CPU than planning the component. A plugin
/// process serves one engine, so the endpoints are few; the channels close with the plugin.
/// </summary>
public sealed class MonitorChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);

    /// <summary>A client of the monitor at <paramref name="endpoint"/> (<c>host:port</c> or a URL), connected on first use.</summary>
    public ResourceMonitor.ResourceMonitorClient For(string endpoint)
    {
        if (!Uri.TryCreate(Channels.Address(endpoint), UriKind.Absolute, out var address) ||
            address.Scheme is not ("http" or "https") || address.Host.Length == 0)
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"the engine's monitor endpoint {PropertyValue.QuoteShort(endpoint)} is not a usable address (host:port)"));
        var channel = _channels.GetOrAdd(address.ToString(), key => new Lazy<GrpcChannel>(() => Channels.Open(key)));
        return new ResourceMonitor.ResourceMonitorClient(channel.Value);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
            if (channel.IsValueCreated) channel.Value.Dispose();
    }
}
