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
    private readonly Stream _stream;
    // Commands are written into _out and sent with one write; replies are read through _in. Both are reused, so a
    // command allocates nothing but its reply (issue 22: no per-message allocations on the hot path).
    private readonly byte[] _out = new byte[16 * 1024];
    private byte[] _in = new byte[16 * 1024];
    private int _outUsed, _inStart, _inEnd;
    private CancellationTokenSource? _timer;
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private RespConnection(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = stream;
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

    /// <summary>Sends one command whose arguments are strings (sent as UTF-8), byte arrays or
    /// <c>ReadOnlyMemory&lt;byte&gt;</c> (sent as they are) and reads its reply within <paramref name="deadline"/>;
    /// with <paramref name="raw"/> bulk strings come back as byte arrays, untouched. A reply later than the deadline
    /// throws <see cref="TimeoutException"/>; the connection is then out of step and must be disposed.</summary>
    public async Task<object?> RunAsync(TimeSpan deadline, bool raw, CancellationToken cancel, params object[] args)
    {
        if (_timer is null || !_timer.TryReset())
        {
            _timer?.Dispose();
            _timer = new CancellationTokenSource();
        }
        _timer.CancelAfter(deadline);
        using var link = cancel.UnsafeRegister(static t => ((CancellationTokenSource)t!).Cancel(), _timer);
        try
        {
            await WriteAsync(args, _timer.Token);
            return await ReadAsync(raw, _timer.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            var name = args[0] as string ?? "a command";
            throw new TimeoutException($"Redis at {_address} did not answer {name} within {deadline.TotalSeconds} s");
        }
    }

    private async ValueTask WriteAsync(object[] args, CancellationToken cancel)
    {
        await HeaderAsync((byte)'*', args.Length, cancel);
        foreach (var arg in args)
        {
            if (arg is string text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                await HeaderAsync((byte)'$', length, cancel);
                if (length + 2 > _out.Length - _outUsed) await AppendAsync(Encoding.UTF8.GetBytes(text), cancel);
                else _outUsed += Encoding.UTF8.GetBytes(text, _out.AsSpan(_outUsed));
            }
            else
            {
                ReadOnlyMemory<byte> bytes = arg is byte[] array ? array : (ReadOnlyMemory<byte>)arg;
                await HeaderAsync((byte)'$', bytes.Length, cancel);
                await AppendAsync(bytes, cancel);
            }
            await AppendAsync(Crlf, cancel);
        }
        await FlushAsync(cancel);
    }

    private async ValueTask HeaderAsync(byte kind, int count, CancellationToken cancel)
    {
        if (_out.Length - _outUsed < 16) await FlushAsync(cancel);
        _out[_outUsed++] = kind;
        count.TryFormat(_out.AsSpan(_outUsed), out var written, default, CultureInfo.InvariantCulture);
        _outUsed += written;
        _out[_outUsed++] = (byte)'\r';
        _out[_outUsed++] = (byte)'\n';
    }

    private async ValueTask AppendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel)
    {
        if (bytes.Length <= _out.Length - _outUsed)
        {
            bytes.Span.CopyTo(_out.AsSpan(_outUsed));
            _outUsed += bytes.Length;
            return;
        }
        await FlushAsync(cancel);
        // Larger than the buffer: written as it is, not copied.
        await _stream.WriteAsync(bytes, cancel);
    }

    private async ValueTask FlushAsync(CancellationToken cancel)
    {
        if (_outUsed == 0) return;
        await _stream.WriteAsync(_out.AsMemory(0, _outUsed), cancel);
        _outUsed = 0;
    }

    private async ValueTask<object?> ReadAsync(bool raw, CancellationToken cancel)
    {
        var end = await LineAsync(cancel);
        var kind = _in[_inStart];
        var rest = _in.AsSpan(_inStart + 1, end - _inStart - 1);
        _inStart = end + 2;
        switch (kind)
        {
            case (byte)'+': return Encoding.UTF8.GetString(rest);
            case (byte)'-': throw new RedisErrorException(Encoding.UTF8.GetString(rest));
            case (byte)':': return long.Parse(rest, CultureInfo.InvariantCulture);
            case (byte)'$':
                {
                    var length = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (length < 0) return null;
                    if (!raw && _inEnd - _inStart >= length + 2)
                    {
                        var text = Encoding.UTF8.GetString(_in, _inStart, length);
                        _inStart += length + 2;
                        return text;
                    }
                    // Straight into an array of its own size: a large item is held once, not copied again.
                    var bytes = new byte[length];
                    var buffered = Math.Min(length, _inEnd - _inStart);
                    _in.AsSpan(_inStart, buffered).CopyTo(bytes);
                    _inStart += buffered;
                    if (buffered < length) await _stream.ReadExactlyAsync(bytes.AsMemory(buffered), cancel);
                    await FillAsync(2, cancel);
                    _inStart += 2;
                    return raw ? bytes : Encoding.UTF8.GetString(bytes);
                }
            case (byte)'*':
                {
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0) return null;
                    var items = new object?[count];
                    for (var i = 0; i < count; i++) items[i] = await ReadAsync(raw, cancel);
                    return items;
                }
            default: throw new IOException($"unexpected Redis reply '{(char)kind}{Encoding.UTF8.GetString(rest)}'");
        }
    }

    /// <summary>Reads until a whole line is buffered; returns the index of its '\r'.</summary>
    private async ValueTask<int> LineAsync(CancellationToken cancel)
    {
        var searched = 0;
        while (true)
        {
            var at = _in.AsSpan(_inStart + searched, _inEnd - _inStart - searched).IndexOf("\r\n"u8);
            if (at == 0 && searched == 0) throw new IOException("empty Redis reply line");
            if (at >= 0) return _inStart + searched + at;
            searched = Math.Max(0, _inEnd - _inStart - 1);
            await FillAsync(_inEnd - _inStart + 1, cancel);
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancel)
    {
        if (_inEnd - _inStart >= count) return;
        if (_inStart > 0)
        {
            _in.AsSpan(_inStart, _inEnd - _inStart).CopyTo(_in);
            _inEnd -= _inStart;
            _inStart = 0;
        }
        if (count > _in.Length) Array.Resize(ref _in, Math.Max(count, _in.Length * 2));
        while (_inEnd < count)
        {
            var read = await _stream.ReadAsync(_in.AsMemory(_inEnd), cancel);
            if (read == 0) throw new IOException("Redis closed the connection");
            _inEnd += read;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
        _timer?.Dispose();
    }
}

/// <summary>An error reply from Redis (<c>-ERR ...</c>).</summary>
public sealed class RedisErrorException(string message) : Exception(message);
