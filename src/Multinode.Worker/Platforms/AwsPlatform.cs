using Multinode.Worker.Decisions;
using Multinode.Worker.Queues;

namespace Multinode.Worker.Platforms;

/// <summary>AWS duties of a worker on an Auto Scaling instance: scale-in protection while busy, the termination
/// lifecycle hook honoured, and (Functions) the per-worker cooldown that ends the instance itself.</summary>
/// <remarks><paramref name="heartbeatEvery"/> keeps a lifecycle action alive while the invocation in hand finishes;
/// the plan's hook times out after timeoutSeconds + 30 s.</remarks>
public sealed class AwsPlatform(AutoScaling autoScaling, InstanceMetadata metadata, IWorkQueue queue, CooldownPolicy? cooldown,
    string? hookName, TimeSpan heartbeatEvery, TimeProvider clock, Action<string> log) : IPlatform
{    private static readonly TimeSpan WatchEvery = TimeSpan.FromSeconds(1);
    private bool _protected;
    private bool _terminating;
    private CancellationTokenSource? _busyWatch;
    private Task? _watch;

    public bool StopRequested => _terminating;

    public async Task BusyAsync(CancellationToken cancel)
    {
        cooldown?.Busy();
        if (!_protected)
        {
            await autoScaling.SetProtectionAsync(true, cancel);
            _protected = true;
        }
        _busyWatch = new CancellationTokenSource();
        _watch = WatchWhileBusyAsync(_busyWatch.Token);
    }

    /// <summary>During an invocation: notice a termination, and keep its lifecycle action alive until done.</summary>
    private async Task WatchWhileBusyAsync(CancellationToken cancel)
    {
        var lastBeat = DateTimeOffset.MinValue;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                await Task.Delay(WatchEvery, clock, cancel);
                if (!_terminating && await metadata.TargetLifecycleStateAsync(cancel) == "Terminated")
                {
                    _terminating = true;
                    log("the instance is terminating: finishing the invocation in hand, taking no new one");
                }
                if (_terminating && clock.GetUtcNow() - lastBeat >= heartbeatEvery && await HookAsync(cancel) is { } hook)
                {
                    await autoScaling.HeartbeatAsync(hook, cancel);
                    lastBeat = clock.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log($"watching the lifecycle state failed: {e.Message}");
        }
    }

    private async Task EndWatchAsync()
    {
        if (_busyWatch is null) return;
        await _busyWatch.CancelAsync();
        await _watch!;
        _busyWatch.Dispose();
        _busyWatch = null;
    }

    public async Task IdleAsync(DateTimeOffset idleSince, CancellationToken cancel)
    {
        await EndWatchAsync();
        if (_protected)
        {
            await autoScaling.SetProtectionAsync(false, cancel);
            _protected = false;
        }
        if (!_terminating && await metadata.TargetLifecycleStateAsync(cancel) == "Terminated")
        {
            _terminating = true;
            log("the instance is terminating: taking no new work");
            return;
        }
        if (cooldown is null || _terminating) return;
        var now = clock.GetUtcNow();
        if (!cooldown.ShouldCheck(now, idleSince)) return;
        var inService = await autoScaling.InServiceAsync(cancel);
        var inFlight = await queue.CountAsync(cancel);
        var action = cooldown.Observe(clock.GetUtcNow(), inService, inFlight);
        if (action != CooldownAction.Terminate) return;
        try
        {
            log($"idle since {idleSince:O}; {inService} in service > {inFlight} in flight + spare: ending this instance");
            await autoScaling.TerminateSelfAsync(cancel);
            _terminating = true;
        }
        catch (Shared.AwsCallException e)
        {
            log($"the group refused to end this instance ({e.Message}); serving on");
            cooldown.Refused(clock.GetUtcNow());
        }
    }

    public async Task StoppedAsync(CancellationToken cancel)
    {
        await EndWatchAsync();
        if (_protected)
        {
            await autoScaling.SetProtectionAsync(false, cancel);
            _protected = false;
        }
        if (!_terminating && await metadata.TargetLifecycleStateAsync(cancel) != "Terminated") return;
        // After our own TerminateInstanceInAutoScalingGroup the hook takes a moment to put the instance in
        // Terminating:Wait; completing before that would fail.
        for (var i = 0; i < 60 && await metadata.TargetLifecycleStateAsync(cancel) != "Terminated"; i++)
            await Task.Delay(TimeSpan.FromSeconds(1), clock, cancel);
        if (await HookAsync(cancel) is not { } hook)
        {
            log("the group has no termination lifecycle hook: nothing to complete");
            return;
        }
        await autoScaling.CompleteAsync(hook, cancel);
        log($"lifecycle action of hook {hook} completed (CONTINUE)");
    }

    private async Task<string?> HookAsync(CancellationToken cancel) => hookName ??= await autoScaling.TerminationHookAsync(cancel);
}
