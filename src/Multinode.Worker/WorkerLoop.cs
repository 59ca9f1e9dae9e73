using Multinode.Worker.Platforms;
using Multinode.Worker.Queues;
using Multinode.Worker.Shared;

namespace Multinode.Worker;

/// <summary>Takes one message at a time, invokes the user's server, replies, and keeps the queue hold and the
/// platform duties around it. Stops taking work on <c>stop</c> (SIGTERM) or when the platform asks, always
/// finishing the invocation in hand.</summary>
public sealed class WorkerLoop(Settings settings, IWorkQueue queue, UserServer server, IPlatform platform, TimeProvider clock, Action<string> log)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    // BLMOVE cannot be interrupted without losing track of what it moved, so Redis waits a second at a time;
    // an SQS receive can be cancelled (a message received meanwhile reappears after its visibility timeout), so
    // it long-polls longer and costs fewer requests.
    private TimeSpan TakeWait => settings.QueueKind == QueueKind.AwsSqs ? TimeSpan.FromSeconds(5) : Poll;

    public int Invocations { get; private set; }

    public async Task<int> RunAsync(CancellationToken stop)
    {
        try
        {
            await server.WaitUntilReadyAsync(log, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        log($"{settings.Kind.ToString().ToLowerInvariant()} {settings.Workload}: serving {settings.Queue} through {settings.InvokeUrl}");
        var idleSince = clock.GetUtcNow();
        var nextSweep = DateTimeOffset.MinValue;
        var jobDeadline = clock.GetUtcNow() + settings.MessageWait;
        while (!stop.IsCancellationRequested && !platform.StopRequested)
        {
            if (settings.Kind == WorkerKind.Job && clock.GetUtcNow() >= jobDeadline)
            {
                log($"no message within {settings.MessageWait.TotalSeconds} s (MULTINODE_MESSAGE_WAIT_SECONDS); ending");
                break;
            }
            TakenItem? item;
            try
            {
                if (clock.GetUtcNow() >= nextSweep)
                {
                    await queue.SweepAsync(stop);
                    nextSweep = clock.GetUtcNow() + queue.KeepEvery + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
                }
                if (server.Unreachable) await server.WaitUntilReadyAsync(log, stop);
                item = await queue.TakeAsync(TakeWait, stop);
                if (item is null)
                {
                    await platform.IdleAsync(idleSince, stop);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log($"queue or platform call failed: {e.Message}; retrying in 1 s");
                await Delay(stop);
                continue;
            }
            // An item in hand is finished even when stop fires meanwhile: nothing below observes `stop`.
            try
            {
                await HandleAsync(item);
            }
            catch (Exception e)
            {
                // The hold lapses and the queue hands the item out again (SQS: to its dead-letter queue at last).
                log($"could not finish a message: {e.Message}; it returns to the queue when this worker's hold expires");
            }
            Invocations++;
            idleSince = clock.GetUtcNow();
            if (settings.Kind == WorkerKind.Job) break;
        }
        try
        {
            await platform.StoppedAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            log($"platform shutdown call failed: {e.Message}");
        }
        log($"stopped after {Invocations} invocation(s)");
        return 0;
    }

    private async Task HandleAsync(TakenItem item)
    {
        using var keeping = new CancellationTokenSource();
        var keeper = KeepAsync(item, keeping.Token);
        try
        {
            var parsed = Messages.Read(item.Body);
            if (parsed.Message is not { } message)
            {
                if (parsed.Id is { } id && parsed.ReplyTo is { } replyTo)
                {
                    log($"message {id} is malformed ({parsed.Problem}); answering with an error");
                    var error = Messages.Write(new InvocationReply(id, null, new InvocationError($"malformed message: {parsed.Problem}", null)));
                    await Retry(() => queue.FinishAsync(item, replyTo, error, CancellationToken.None));
                }
                else
                {
                    log($"dropping a malformed message without id and replyTo ({parsed.Problem}): {Truncate(item.Body)}");
                    await Retry(async () => { await queue.RejectAsync(item, CancellationToken.None); return true; });
                }
                return;
            }
            try
            {
                await platform.BusyAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                // Protection is a promise about scale-in; the lifecycle hook still gives the invocation its time.
                log($"marking this worker busy failed: {e.Message}");
            }
            var reply = await server.InvokeAsync(message);
            var done = await Retry(() => queue.FinishAsync(item, message.ReplyTo, Messages.Write(reply), CancellationToken.None));
            if (!done) log($"message {message.Id}: this worker's hold on it expired and it went back to the queue; its reply was not sent");
        }
        finally
        {
            await keeping.CancelAsync();
            await keeper;
        }
    }

    private async Task KeepAsync(TakenItem item, CancellationToken cancel)
    {
        try
        {
            while (true)
            {
                await Task.Delay(queue.KeepEvery, clock, cancel);
                try
                {
                    await queue.KeepAsync(item, cancel);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log($"extending the hold on a message failed: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }

    /// <summary>Finishing must not be lost to a blip: retry for up to the hold period, then give up (the item
    /// returns to the queue and is answered by another worker).</summary>
    private async Task<bool> Retry(Func<Task<bool>> action)
    {
        var until = clock.GetUtcNow() + settings.Timeout;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (clock.GetUtcNow() < until)
            {
                log($"finishing a message failed: {e.Message}; retrying");
                await Task.Delay(TimeSpan.FromMilliseconds(500), clock);
            }
        }
    }

    private static async Task Delay(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Poll, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
