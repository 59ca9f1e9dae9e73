using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>One Redis connection shared by several tasks (lease renewal runs beside the main loop), one command
/// at a time; reconnects after a failure.</summary>
public sealed class RedisLink(string address, string? password) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RespConnection? _connection;

    public async Task<object?> RunAsync(Func<RespConnection, Task<object?>> command, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            _connection ??= await RespConnection.ConnectAsync(address, password, cancel);
            try
            {
                return await command(_connection);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
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
