using System.Globalization;
using System.Text;
using Multinode.Worker.Platforms;
using Multinode.Worker.Queues;
using Multinode.Worker.Shared;

namespace Multinode.Worker;

/// <summary>Takes one message at a time, invokes the user's server, replies, and keeps the queue hold around it.
/// Stops taking work on <c>stop</c> (SIGTERM) or when the platform asks, always finishing the invocation in hand.
/// The platform's duties run beside it (<see cref="IPlatform"/>).</summary>
public sealed class WorkerLoop(Settings settings, IWorkQueue queue, Replies replies, UserServer server, IPlatform platform,
    TimeProvider clock, Action<string> log)
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
        platform.Start(stop);
        var idleSince = clock.GetUtcNow();
        var nextSweep = DateTimeOffset.MinValue;
        var jobDeadline = clock.GetUtcNow() + settings.MessageWait;
        var failures = 0;
        var finished = false;
        while (!stop.IsCancellationRequested && platform.StopReason is null)
        {
            if (settings.TakesOneMessage && clock.GetUtcNow() >= jobDeadline)
            {
                log($"no message within {settings.MessageWait.TotalSeconds} s (MULTINODE_MESSAGE_WAIT_SECONDS); ending");
                finished = true;
                break;
            }
            IDisposable hold;
            try
            {
                hold = await platform.HoldAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            using (hold)
            {
                if (platform.StopReason is not null) break;
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
                    failures = 0;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    var pause = Calls.Backoff(++failures, Random.Shared.NextDouble) + TimeSpan.FromMilliseconds(100);
                    log($"taking from {settings.Queue} failed: {e.Message}; retry {failures} in {pause.TotalMilliseconds:0} ms");
                    await Delay(pause, stop);
                    continue;
                }
                if (item is null)
                {
                    platform.Idle(idleSince);
                    continue;
                }
                // An item in hand is finished even when stop fires meanwhile: nothing below observes `stop`.
                try
                {
                    await HandleAsync(item, stop);
                }
                catch (Exception e)
                {
                    // The hold lapses and the queue hands the item out again (SQS: to its dead-letter queue at last).
                    log($"could not finish a message: {e.Message}; it returns to the queue when this worker's hold expires");
                }
                Invocations++;
                // Idle only once a take comes back empty: a busy stream keeps the platform's busy state (and
                // protection) without a call per message, while the cooldown still counts from this moment.
                idleSince = clock.GetUtcNow();
                if (settings.TakesOneMessage)
                {
                    finished = true;
                    break;
                }
            }
        }
        try
        {
            await platform.StoppedAsync(finished, CancellationToken.None);
        }
        catch (Exception e)
        {
            log($"platform shutdown call failed: {e.Message}");
        }
        log($"stopped after {Invocations} invocation(s)");
        return 0;
    }

    /// <summary>How long after losing the user's server mid-invocation the worker watches for its own SIGTERM: on
    /// Kubernetes both containers are signalled at once and a server that exits on SIGTERM drops the call.</summary>
    public static readonly TimeSpan LostServerGrace = TimeSpan.FromSeconds(1);

    private async Task HandleAsync(TakenItem item, CancellationToken stop)
    {
        using var keeping = new CancellationTokenSource();
        var keeper = KeepAsync(item, keeping.Token);
        try
        {
            var message = Check(item);
            if (message.InputAt is not { } input)
            {
                await SetAsideAsync(item, message);
                return;
            }
            await platform.BusyAsync(CancellationToken.None);
            var reply = await server.InvokeAsync(message.Id!, item.Body.AsMemory(input));
            if (server.Lost && await StoppingAsync(stop))
            {
                // The pod (or instance) is going away with its user server: the invocation goes back to the queue
                // for another worker rather than becoming an error reply.
                await Retry(async () => { await queue.ReturnAsync(item, CancellationToken.None); return Finished.Done; });
                log($"message {message.Id}: the user server went away while stopping; returned to the queue for another worker");
                return;
            }
            var result = await Retry(() => queue.FinishAsync(item, message.ReplyTo, reply, CancellationToken.None));
            if (result == Finished.HoldLost)
                log($"message {message.Id}: this worker's hold on it expired and it went back to the queue; its reply was not sent");
            if (result == Finished.ReplyRefused)
                log($"message {message.Id}: replyTo '{message.ReplyTo}' cannot take a reply; the message was set aside");
        }
        finally
        {
            await keeping.CancelAsync();
            await keeper;
        }
    }

    private async Task<bool> StoppingAsync(CancellationToken stop)
    {
        if (!stop.IsCancellationRequested && platform.StopReason is null) await Delay(LostServerGrace, stop);
        return stop.IsCancellationRequested || platform.StopReason is not null;
    }

    /// <summary>The item read once (its message a view of the item's bytes), or why it cannot be invoked: too
    /// large, not UTF-8 JSON, too deep, malformed, or a replyTo this worker cannot use.</summary>
    private ParsedMessage Check(TakenItem item)
    {
        if (item.Body.Length > settings.MaxMessageBytes)
            return new ParsedMessage(null, null, null,
                string.Create(CultureInfo.InvariantCulture,
                    $"the message has {item.Body.Length} bytes, more than MULTINODE_MAX_MESSAGE_BYTES ({settings.MaxMessageBytes})"),
                true);
        var parsed = Messages.Scan(item.Body);
        if (parsed.ReplyTo is { } replyTo && replies.Unusable(replyTo) is { } why)
            return parsed with { InputAt = null, ReplyTo = null, Problem = why, Poison = true };
        return parsed;
    }

    /// <summary>A message that cannot be invoked: answered with an error when it names a usable address and is only
    /// malformed; otherwise set aside once (Redis: the dead list; SQS: the redrive policy), with one log line.</summary>
    private async Task SetAsideAsync(TakenItem item, ParsedMessage parsed)
    {
        var error = parsed.Id is { } id && parsed.ReplyTo is not null
            ? Encoding.UTF8.GetBytes(Messages.Write(new InvocationReply(id, null,
                new InvocationError($"malformed message: {parsed.Problem}", null))))
            : null;
        if (!parsed.Poison && error is not null)
        {
            log($"message {parsed.Id} is malformed ({parsed.Problem}); answering with an error");
            await Retry(() => queue.FinishAsync(item, parsed.ReplyTo, error, CancellationToken.None));
            return;
        }
        var where = settings.QueueKind == QueueKind.Redis ? $"moved to {settings.Queue}:dead" : "left for the queue's redrive policy";
        log($"message {parsed.Id ?? "without id"} set aside ({where}): {parsed.Problem}; starts {Preview(item.Body)}");
        await Retry(() => queue.DeadLetterAsync(item, parsed.ReplyTo, error, CancellationToken.None));
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

    /// <summary>Finishing must not be lost to a blip: transient failures are retried with backoff for up to the hold
    /// period, then given up (the item returns to the queue and is answered by another worker). Anything else is
    /// thrown at once: retrying it would loop.</summary>
    private async Task<Finished> Retry(Func<Task<Finished>> action)
    {
        var until = clock.GetUtcNow() + settings.Timeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (Calls.Transient(e) && clock.GetUtcNow() < until)
            {
                var pause = Calls.Backoff(attempt, Random.Shared.NextDouble);
                log($"finishing a message failed: {e.Message}; retry {attempt} in {pause.TotalMilliseconds:0} ms");
                await Task.Delay(pause, clock);
            }
        }
    }

    private static async Task Delay(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return body.Length <= 200 ? text : text + "…";
    }
}
