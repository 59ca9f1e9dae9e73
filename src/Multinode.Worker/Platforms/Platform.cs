namespace Multinode.Worker.Platforms;

/// <summary>What the worker owes the platform it runs on. The duties run beside the invocation loop, each call with
/// its own deadline; the loop only marks its state and never waits on a platform call beyond a short bound.</summary>
public interface IPlatform
{
    /// <summary>Starts the duties (AWS: protection, lifecycle and Spot watching, cooldown, scale-out).</summary>
    void Start(CancellationToken stop);

    /// <summary>Held by the loop while it takes and handles an item, so a worker never ends its instance while a
    /// take or an invocation is under way.</summary>
    Task<IDisposable> HoldAsync(CancellationToken cancel);

    /// <summary>An invocation is about to start; waits at most a short bound for the platform to know it.</summary>
    Task BusyAsync(CancellationToken cancel);

    /// <summary>No invocation runs since <paramref name="since"/>.</summary>
    void Idle(DateTimeOffset since);

    /// <summary>Why the platform wants this worker to stop taking work, or null.</summary>
    string? StopReason { get; }

    /// <summary>The worker has stopped taking work and has nothing in hand. <paramref name="finished"/>: it
    /// ended by itself (a Job's one execution, or the cooldown), not on SIGTERM.</summary>
    Task StoppedAsync(bool finished, CancellationToken cancel);
}

/// <summary>No platform duties (local runs, tests, MULTINODE_PLATFORM=none).</summary>
public sealed class NoPlatform : IPlatform
{
    public void Start(CancellationToken stop)
    {
    }

    public Task<IDisposable> HoldAsync(CancellationToken cancel) => Task.FromResult<IDisposable>(Hold.None);

    public Task BusyAsync(CancellationToken cancel) => Task.CompletedTask;

    public void Idle(DateTimeOffset since)
    {
    }

    public string? StopReason => null;

    public Task StoppedAsync(bool finished, CancellationToken cancel) => Task.CompletedTask;
}

/// <summary>A held gate, released on dispose.</summary>
public sealed class Hold(SemaphoreSlim? gate) : IDisposable
{
    public static readonly Hold None = new(null);

    public static async Task<IDisposable> EnterAsync(SemaphoreSlim gate, CancellationToken cancel)
    {
        await gate.WaitAsync(cancel);
        return new Hold(gate);
    }

    public void Dispose() => gate?.Release();
}
