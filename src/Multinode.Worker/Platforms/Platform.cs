namespace Multinode.Worker.Platforms;

/// <summary>What the worker owes the platform it runs on around each invocation and while idle.</summary>
public interface IPlatform
{
    /// <summary>An invocation is about to start (AWS: scale-in protection on; Kubernetes: high deletion cost).</summary>
    Task BusyAsync(CancellationToken cancel);

    /// <summary>Called about once a second while no invocation runs; <paramref name="idleSince"/> is when the
    /// last one ended (or the worker started). May ask the worker to stop (<see cref="StopRequested"/>).</summary>
    Task IdleAsync(DateTimeOffset idleSince, CancellationToken cancel);

    /// <summary>The platform wants this worker gone (AWS: the instance is terminating, or it ended itself).</summary>
    bool StopRequested { get; }

    /// <summary>The worker has stopped taking work and has nothing in hand (AWS: complete the lifecycle action).</summary>
    Task StoppedAsync(CancellationToken cancel);
}

/// <summary>No platform duties (local runs, tests, MULTINODE_PLATFORM=none).</summary>
public sealed class NoPlatform : IPlatform
{
    public Task BusyAsync(CancellationToken cancel) => Task.CompletedTask;

    public Task IdleAsync(DateTimeOffset idleSince, CancellationToken cancel) => Task.CompletedTask;

    public bool StopRequested => false;

    public Task StoppedAsync(CancellationToken cancel) => Task.CompletedTask;
}
