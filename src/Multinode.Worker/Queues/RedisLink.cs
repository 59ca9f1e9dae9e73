using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>One Redis connection shared by several tasks (lease renewal runs beside the main loop), one command
/// at a time; a command that fails on the wire or passes its deadline drops the connection and the next call
/// connects afresh.</summary>
public sealed class RedisLink(RedisEndpoint endpoint) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RespConnection? _connection;

    public Task<object?> RunAsync(CancellationToken cancel, params object[] args) => RunAsync(RespConnection.Deadline, cancel, args);

    /// <summary>Runs one command within <paramref name="deadline"/>; bulk replies come back as bytes.</summary>
    public async Task<object?> RunAsync(TimeSpan deadline, CancellationToken cancel, params object[] args)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            _connection ??= await RespConnection.ConnectAsync(endpoint, cancel);
            try
            {
                return await _connection.RunAsync(deadline, true, cancel, args);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException
                or OperationCanceledException)
            {
                // The reply stream may be out of step now; the next call starts a fresh connection.
                _connection.Dispose();
                _connection = null;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="script"/> by its SHA1 (<c>EVALSHA</c>: the script's text is not sent each
    /// time), and with <c>EVAL</c> when Redis does not know it yet (first use, a restart): NOSCRIPT means it did
    /// not run, so running it then is not a repeat.</summary>
    public async Task<object?> EvalAsync(LuaScript script, int keys, CancellationToken cancel,
        params object[] keysAndArgs)
    {
        var args = new object[keysAndArgs.Length + 3];
        (args[0], args[1], args[2]) = ("EVALSHA", script.Sha, keys.ToString(CultureInfo.InvariantCulture));
        keysAndArgs.CopyTo(args, 3);
        try
        {
            return await RunAsync(cancel, args);
        }
        catch (RedisErrorException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            (args[0], args[1]) = ("EVAL", script.Text);
            return await RunAsync(cancel, args);
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>A Lua script and its SHA1, as <c>EVALSHA</c> names it.</summary>
public sealed class LuaScript(string text)
{
    public string Text { get; } = text;
    public string Sha { get; } = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
}
