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

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }
}
