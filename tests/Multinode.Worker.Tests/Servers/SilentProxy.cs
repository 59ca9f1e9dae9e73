using System.Net;
using System.Net.Sockets;

namespace Multinode.Worker.Tests.Servers;

/// <summary>A TCP forwarder in front of a server that can make the connections it holds go silent: open, but
/// nothing passes either way (a failover, a NAT that dropped its mapping). New connections pass again.</summary>
public sealed class SilentProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly List<(TcpClient Client, CancellationTokenSource Pipe)> _open = [];
    private readonly object _lock = new();
    private readonly Task _loop;

    public SilentProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Accepted { get; private set; }

    /// <summary>Stops forwarding on every connection open now, leaving them open.</summary>
    public void SilenceOpenConnections()
    {
        lock (_lock)
            foreach (var (_, pipe) in _open) pipe.Cancel();
    }

    /// <summary>Closes every connection open now (a failover, a restarted proxy).</summary>
    public void DropOpenConnections()
    {
        lock (_lock)
        {
            foreach (var (client, pipe) in _open)
            {
                pipe.Cancel();
                client.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _target);
            var pipe = new CancellationTokenSource();
            lock (_lock)
            {
                _open.Add((client, pipe));
                _open.Add((server, pipe));
                Accepted++;
            }
            _ = CopyAsync(client.GetStream(), server.GetStream(), pipe.Token);
            _ = CopyAsync(server.GetStream(), client.GetStream(), pipe.Token);
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationToken silence)
    {
        try
        {
            await from.CopyToAsync(to, silence);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_lock)
            foreach (var (client, pipe) in _open)
            {
                pipe.Cancel();
                client.Dispose();
            }
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
