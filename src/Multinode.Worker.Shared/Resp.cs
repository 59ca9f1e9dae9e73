using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Multinode.Worker.Shared;

/// <summary>A minimal Redis client (RESP2) on one TCP connection. StackExchange.Redis multiplexes every caller onto
/// one connection and so refuses blocking commands (<c>BLMOVE</c>, <c>BLPOP</c>), which are exactly what a worker
/// waits with; a connection of our own per waiter is simpler and needs no reflection. Not thread-safe: callers
/// serialize, or own one connection each.</summary>
public sealed class RespConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    private RespConnection(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = new BufferedStream(stream, 64 * 1024);
    }

    /// <summary>How long connecting, and a command that does not block, may take (docs/worker.md, "Deadlines").</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Connects to <c>host:port</c> (within <see cref="Deadline"/>), turns on TCP keepalive (idle 15 s,
    /// then every 5 s, 3 probes: a dead peer is noticed within about 30 s even while nothing is read), and
    /// authenticates when a password is given.</summary>
    public static Task<RespConnection> ConnectAsync(string address, string? password, CancellationToken cancel) =>
        ConnectAsync(RedisEndpoint.Parse(address, password: password), cancel);

    /// <summary>Connects (TLS when the endpoint says so), authenticates (ACL user or password) and selects the
    /// database, all within <see cref="Deadline"/>.</summary>
    public static async Task<RespConnection> ConnectAsync(RedisEndpoint endpoint, CancellationToken cancel)
    {
        var (host, port, address) = (endpoint.Host, endpoint.Port, endpoint.ToString());
        var client = new TcpClient { NoDelay = true };
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(Deadline);
        try
        {
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            client.Client.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            await client.ConnectAsync(host, port, timer.Token);
            Stream stream = client.GetStream();
            if (endpoint.Tls)
            {
                var tls = new System.Net.Security.SslStream(stream);
                await tls.AuthenticateAsClientAsync(endpoint.TlsOptions(), timer.Token);
                stream = tls;
            }
            var connection = new RespConnection(client, stream) { _address = address };
            if (endpoint.Password is { Length: > 0 } password)
                await (endpoint.User is { Length: > 0 } user ? connection.CommandAsync(cancel, "AUTH", user, password)
                    : connection.CommandAsync(cancel, "AUTH", password));
            if (endpoint.Database != 0)
                await connection.CommandAsync(cancel, "SELECT", endpoint.Database.ToString(CultureInfo.InvariantCulture));
            return connection;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            client.Dispose();
            throw new TimeoutException($"Redis at {address} did not accept a connection within {Deadline.TotalSeconds} s");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private string _address = "";

    /// <summary>Checks an address (<see cref="RedisEndpoint.Parse"/>) and returns its host and port.</summary>
    public static (string Host, int Port) ParseAddress(string address)
    {
        var endpoint = RedisEndpoint.Parse(address);
        return (endpoint.Host, endpoint.Port);
    }

    /// <summary>Sends one command and reads its reply: a string, a long, null, or an object?[] for arrays.
    /// A Redis error reply throws <see cref="RedisErrorException"/>.</summary>
    public Task<object?> CommandAsync(CancellationToken cancel, params string[] args) =>
        RunAsync(Deadline, false, cancel, [.. args.Select(a => (object)a)]);

    /// <summary>Sends one command whose arguments are strings (sent as UTF-8) or byte arrays (sent as they are)
    /// and reads its reply within <paramref name="deadline"/>; with <paramref name="raw"/> bulk strings come back
    /// as byte arrays, untouched. A reply later than the deadline throws <see cref="TimeoutException"/>; the
    /// connection is then out of step and must be disposed.</summary>
    public async Task<object?> RunAsync(TimeSpan deadline, bool raw, CancellationToken cancel, params object[] args)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(deadline);
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"), timer.Token);
            foreach (var arg in args)
            {
                var bytes = arg as byte[] ?? Encoding.UTF8.GetBytes((string)arg);
                await _stream.WriteAsync(Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"), timer.Token);
                await _stream.WriteAsync(bytes, timer.Token);
                await _stream.WriteAsync("\r\n"u8.ToArray(), timer.Token);
            }
            await _stream.FlushAsync(timer.Token);
            return await ReadAsync(raw, timer.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            var name = args[0] as string ?? "a command";
            throw new TimeoutException($"Redis at {_address} did not answer {name} within {deadline.TotalSeconds} s");
        }
    }

    private async Task<object?> ReadAsync(bool raw, CancellationToken cancel)
    {
        var line = await ReadLineAsync(cancel);
        var rest = line[1..];
        switch (line[0])
        {
            case '+': return rest;
            case '-': throw new RedisErrorException(rest);
            case ':': return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
                {
                    var length = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (length < 0) return null;
                    var buffer = new byte[length + 2];
                    await _stream.ReadExactlyAsync(buffer, cancel);
                    return raw ? buffer[..length] : Encoding.UTF8.GetString(buffer, 0, length);
                }
            case '*':
                {
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0) return null;
                    var items = new object?[count];
                    for (var i = 0; i < count; i++) items[i] = await ReadAsync(raw, cancel);
                    return items;
                }
            default: throw new IOException($"unexpected Redis reply '{line}'");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancel)
    {
        var bytes = new List<byte>(64);
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one, cancel) == 0) throw new IOException("Redis closed the connection");
            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
            {
                bytes.RemoveAt(bytes.Count - 1);
                if (bytes.Count == 0) throw new IOException("empty Redis reply line");
                return Encoding.UTF8.GetString([.. bytes]);
            }
            bytes.Add(one[0]);
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}

/// <summary>An error reply from Redis (<c>-ERR ...</c>).</summary>
public sealed class RedisErrorException(string message) : Exception(message);
