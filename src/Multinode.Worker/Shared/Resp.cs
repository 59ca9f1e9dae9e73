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

    private RespConnection(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream(), 64 * 1024);
    }

    /// <summary>Connects to <c>host:port</c> and authenticates when a password is given.</summary>
    public static async Task<RespConnection> ConnectAsync(string address, string? password, CancellationToken cancel)
    {
        var (host, port) = ParseAddress(address);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancel);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        var connection = new RespConnection(client);
        if (!string.IsNullOrEmpty(password)) await connection.CommandAsync(cancel, "AUTH", password);
        return connection;
    }

    /// <summary>Splits <c>host:port</c>; the port defaults to 6379.</summary>
    public static (string Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0) return (address, 6379);
        return int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? (address[..colon], port)
            : throw new FormatException($"'{address}' is not host:port");
    }

    /// <summary>Sends one command and reads its reply: a string, a long, null, or an object?[] for arrays.
    /// A Redis error reply throws <see cref="RedisErrorException"/>.</summary>
    public async Task<object?> CommandAsync(CancellationToken cancel, params string[] args)
    {
        var request = new StringBuilder();
        request.Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
            request.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancel);
        await _stream.FlushAsync(cancel);
        return await ReadAsync(cancel);
    }

    private async Task<object?> ReadAsync(CancellationToken cancel)
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
                    return Encoding.UTF8.GetString(buffer, 0, length);
                }
            case '*':
                {
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0) return null;
                    var items = new object?[count];
                    for (var i = 0; i < count; i++) items[i] = await ReadAsync(cancel);
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
