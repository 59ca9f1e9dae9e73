using Multinode.Worker.Decisions;
using Multinode.Worker.Queues;

namespace Multinode.Worker.Platforms;

/// <summary>What the AWS duties need besides their clients.</summary>
/// <param name="OneMessage">A worker that takes one message (a Job's): protected until it ends its own instance after its one execution.</param>
/// <param name="Spare">MULTINODE_SPARE_WORKERS.</param>
/// <param name="HookName">MULTINODE_LIFECYCLE_HOOK, or null: found with DescribeLifecycleHooks.</param>
/// <param name="HeartbeatEvery">RecordLifecycleActionHeartbeat period while draining (the hook's timeout is
/// timeoutSeconds + 30 s).</param>
/// <param name="ScaleOutEvery">MULTINODE_SCALE_OUT_SECONDS, or null: no raising of desired capacity.</param>
public sealed record AwsDuties(bool OneMessage, int Spare, string? HookName, TimeSpan HeartbeatEvery, TimeSpan? ScaleOutEvery);

/// <summary>AWS duties of a worker on an Auto Scaling instance (docs/worker.md, "AWS"): scale-in protection while
/// busy and until the cooldown has passed; one lifecycle watcher (target lifecycle state, Spot interruption and
/// rebalance notices); the termination hook completed after the drain; the per-worker cooldown (Functions); raising
/// desired capacity to in flight + spare (Functions with MULTINODE_SCALE_OUT_SECONDS); a Job's own end.</summary>
public sealed class AwsPlatform(AutoScaling autoScaling, InstanceMetadata metadata, IWorkQueue queue, CooldownPolicy? cooldown,
    AwsDuties duties, TimeProvider clock, Action<string> log) : IPlatform
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200), Watch = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NoticeEvery = TimeSpan.FromSeconds(5), BusyBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TerminatedWait = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _duties = new();
    private readonly List<Task> _loops = [];
    private volatile bool _busy;
    private DateTimeOffset _idleSince;
    private volatile bool _protected;
    private volatile string? _stopReason;
    private volatile bool _hookTerminating, _selfTerminated;
    private string? _hookName = duties.HookName;
    private string? _lastStay;

    public string? StopReason => _stopReason;

    public void Start(CancellationToken stop)
    {
        _idleSince = clock.GetUtcNow();
        _loops.Add(Task.Run(() => WatchAsync(_duties.Token)));
        _loops.Add(Task.Run(() => ProtectAsync(_duties.Token)));
        if (!duties.OneMessage && duties.ScaleOutEvery is { } every) _loops.Add(Task.Run(() => ScaleOutAsync(every, _duties.Token)));
    }

    public Task<IDisposable> HoldAsync(CancellationToken cancel) => Hold.EnterAsync(_gate, cancel);

    public async Task BusyAsync(CancellationToken cancel)
    {
        cooldown?.Busy();
        _busy = true;
        // Protection is normally still on (it lasts until the cooldown); after a long idle the invocation waits
        // for it at most BusyBound, and the protect loop keeps trying beside it.
        var until = clock.GetUtcNow() + BusyBound;
        while (!_protected && _stopReason is null && clock.GetUtcNow() < until) await Task.Delay(20, cancel);
    }

    public void Idle(DateTimeOffset since)
    {
        _idleSince = since;
        _busy = false;
    }

    private bool WantsProtection() => duties.OneMessage || cooldown is null
        ? duties.OneMessage || _busy
        : cooldown.WantsProtection(clock.GetUtcNow(), _busy ? null : _idleSince);

    /// <summary>The one lifecycle watcher: target lifecycle state every second, Spot and rebalance notices every
    /// 5 s, heartbeats while draining for the hook. IMDS failures are retried on the next tick and reported.</summary>
    private async Task WatchAsync(CancellationToken cancel)
    {
        DateTimeOffset lastBeat = DateTimeOffset.MinValue, nextNotice = DateTimeOffset.MinValue, lastReport = DateTimeOffset.MinValue;
        var failures = 0;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                if (!_hookTerminating && await metadata.TargetLifecycleStateAsync(cancel) == "Terminated")
                {
                    _hookTerminating = true;
                    Stop("the instance is terminating (target lifecycle state Terminated)");
                }
                if (clock.GetUtcNow() >= nextNotice && _stopReason is null)
                {
                    nextNotice = clock.GetUtcNow() + NoticeEvery;
                    if (await metadata.SpotInterruptionAsync(cancel) is { } notice) Stop($"Spot interruption notice {notice}");
                    else if (await metadata.RebalanceAsync(cancel) is { } rebalance) Stop($"rebalance recommendation {rebalance}");
                }
                if (failures > 0) log($"IMDS answers again after {failures} failed reads");
                failures = 0;
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                if (failures++ == 0 || clock.GetUtcNow() - lastReport >= TimeSpan.FromSeconds(60))
                {
                    log($"IMDS unreachable ({e.Message}); retrying every {Watch.TotalSeconds} s; the cooldown and " +
                        "protection go on with MULTINODE_INSTANCE_ID");
                    lastReport = clock.GetUtcNow();
                }
            }
            try
            {
                var beatDue = _hookTerminating && _busy && clock.GetUtcNow() - lastBeat >= duties.HeartbeatEvery;
                if (beatDue && await HookAsync(cancel) is { } hook)
                {
                    await autoScaling.HeartbeatAsync(hook, cancel);
                    lastBeat = clock.GetUtcNow();
                }
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                log($"RecordLifecycleActionHeartbeat failed: {e.Message}; retrying in {Watch.TotalSeconds} s");
            }
            await Pause(Watch, cancel);
        }
    }

    private void Stop(string reason)
    {
        if (_stopReason is not null) return;
        _stopReason = reason;
        log($"{reason}: finishing the invocation in hand, taking no new one");
    }

    /// <summary>Keeps protection as wanted (retrying with backoff) and runs the cooldown when it is off.</summary>
    private async Task ProtectAsync(CancellationToken cancel)
    {
        var failures = 0;
        var retryAt = DateTimeOffset.MinValue;
        while (!cancel.IsCancellationRequested)
        {
            await Pause(Tick, cancel);
            // A terminating instance's protection cannot change (AWS answers ValidationError) and no longer matters.
            if (_stopReason is not null || clock.GetUtcNow() < retryAt) continue;
            var want = WantsProtection();
            if (want != _protected || failures > 0 && want)
            {
                try
                {
                    await autoScaling.SetProtectionAsync(want, cancel);
                    _protected = want;
                    failures = 0;
                    if (!want) cooldown?.Unprotected(clock.GetUtcNow());
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    retryAt = clock.GetUtcNow() + Calls.Backoff(++failures, Random.Shared.NextDouble);
                    log($"SetInstanceProtection({(want ? "true" : "false")}) failed: {e.Message}; retry {failures} after backoff");
                    continue;
                }
            }
            if (cooldown is not null && !want && !_protected && cooldown.LookDue(clock.GetUtcNow())) await CooldownAsync(cancel);
        }
    }

    private async Task CooldownAsync(CancellationToken cancel)
    {
        // Taken only between takes: the loop holds the gate while it takes and works.
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(10), cancel)) return;
        try
        {
            if (_busy || _stopReason is not null || WantsProtection()) return;
            var group = await autoScaling.DescribeAsync(cancel);
            var inFlight = await queue.CountAsync(cancel);
            var (leave, why) = cooldown!.Decide(clock.GetUtcNow(), autoScaling.InstanceId, group, inFlight);
            if (!leave)
            {
                // One line per change of what it sees, not one per look.
                if (why != _lastStay) log($"cooldown look: {why}");
                _lastStay = why;
                return;
            }
            log($"idle since {_idleSince:O} (cooldown {cooldown.Cooldown.TotalSeconds} s); {why}: ending this instance");
            await autoScaling.TerminateSelfAsync(decrementDesired: true, cancel);
            _selfTerminated = true;
            _stopReason = "ended by its cooldown";
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            log($"the cooldown's look failed ({e.Message}); serving on, looking again later");
            cooldown!.Refused(clock.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every <paramref name="every"/>, at a random phase of its own: raise desired capacity to
    /// min(MaxSize, in flight + spare) when that is above it. Only ever raises.</summary>
    private async Task ScaleOutAsync(TimeSpan every, CancellationToken cancel)
    {
        await Pause(every * Random.Shared.NextDouble(), cancel);
        while (!cancel.IsCancellationRequested)
        {
            if (_stopReason is null)
            {
                try
                {
                    var inFlight = await queue.CountAsync(cancel);
                    var group = await autoScaling.DescribeAsync(cancel);
                    var wanted = (int)Math.Min(group.MaxSize, inFlight + duties.Spare);
                    if (wanted > group.DesiredCapacity)
                    {
                        await autoScaling.SetDesiredCapacityAsync(wanted, cancel);
                        log($"{inFlight} in flight + {duties.Spare} spare: desired capacity {group.DesiredCapacity} -> {wanted} " +
                            $"(MaxSize {group.MaxSize})");
                    }
                }
                catch (Exception e) when (!cancel.IsCancellationRequested)
                {
                    log($"raising desired capacity failed: {e.Message}; trying again in {every.TotalSeconds} s");
                }
            }
            await Pause(every, cancel);
        }
    }

    public async Task StoppedAsync(bool finished, CancellationToken cancel)
    {
        await _duties.CancelAsync();
        foreach (var loop in _loops)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException) when (_duties.IsCancellationRequested)
            {
                // A duty stopped mid-pause, as asked: the end of the Job and the hook must still run.
            }
        }
        if (duties.OneMessage && finished && _stopReason is null) await EndJobAsync(cancel);
        if (!_hookTerminating && !_selfTerminated)
        {
            try
            {
                _hookTerminating = await metadata.TargetLifecycleStateAsync(cancel) == "Terminated";
            }
            catch (Exception e)
            {
                log($"reading the lifecycle state failed: {e.Message}");
            }
        }
        if (!_hookTerminating && !_selfTerminated)
        {
            if (_stopReason is not null) log($"drained ({_stopReason})");
            else if (_protected)
                await Calls.RetryAsync("SetInstanceProtection(false)", 3, c => autoScaling.SetProtectionAsync(false, c), log, cancel);
            return;
        }
        await CompleteHookAsync(cancel);
    }

    /// <summary>A Job's end: its instance goes, lowering desired capacity only when no execution waits (a waiting
    /// one gets a replacement instance at once).</summary>
    private async Task EndJobAsync(CancellationToken cancel)
    {
        try
        {
            var waiting = await Calls.RetryAsync("counting waiting executions", 3, queue.WaitingAsync, log, cancel);
            var decrement = waiting == 0;
            log($"{waiting} execution(s) waiting: ending this instance with ShouldDecrementDesiredCapacity={(decrement ? "true" : "false")}");
            await Calls.RetryAsync("TerminateInstanceInAutoScalingGroup", 3, c => autoScaling.TerminateSelfAsync(decrement, c), log,
                cancel);
            _selfTerminated = true;
        }
        catch (Exception e)
        {
            log($"ending this Job's instance failed: {e.Message}; the boot script ends it");
        }
    }

    /// <summary>Completes the termination hook, whatever happened to protection: after our own terminate the hook
    /// takes a moment to show Terminated (waited for at most 60 s), then CONTINUE with retries.</summary>
    private async Task CompleteHookAsync(CancellationToken cancel)
    {
        var until = clock.GetUtcNow() + TerminatedWait;
        while (!_hookTerminating && clock.GetUtcNow() < until)
        {
            try
            {
                _hookTerminating = await metadata.TargetLifecycleStateAsync(cancel) == "Terminated";
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                // IMDS unreachable: the group says it too.
                log($"reading the lifecycle state from IMDS failed ({e.Message}); asking the group");
                try
                {
                    var self = (await autoScaling.DescribeAsync(cancel)).Instances.FirstOrDefault(i => i.Id == autoScaling.InstanceId);
                    _hookTerminating = self is null || self.LifecycleState.StartsWith("Terminating", StringComparison.Ordinal);
                }
                catch (Exception again) when (!cancel.IsCancellationRequested)
                {
                    log($"DescribeAutoScalingGroups failed too: {again.Message}");
                }
            }
            if (!_hookTerminating) await Task.Delay(Watch, clock, cancel);
        }
        try
        {
            if (await Calls.RetryAsync("DescribeLifecycleHooks", 5, HookAsync, log, cancel) is not { } hook)
            {
                log("the group has no termination lifecycle hook: nothing to complete");
                return;
            }
            await Calls.RetryAsync("CompleteLifecycleAction", 6, c => autoScaling.CompleteAsync(hook, c), log, cancel);
            log($"lifecycle action of hook {hook} completed (CONTINUE)");
        }
        catch (Exception e)
        {
            log($"completing the lifecycle action failed: {e.Message}; the hook's timeout ends the instance");
        }
    }

    private async Task<string?> HookAsync(CancellationToken cancel) => _hookName ??= await autoScaling.TerminationHookAsync(cancel);

    private async Task Pause(TimeSpan delay, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(delay, clock, cancel);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
