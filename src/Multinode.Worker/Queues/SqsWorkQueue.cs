using System.Text;
using Multinode.Contracts;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>An SQS queue: receive with visibility = the lease (timeoutSeconds), extend it every third of that while
/// working, delete when done. A message whose worker died becomes visible again by itself. SQS holds a message at
/// most 12 hours from its receipt and rejects an extension beyond that, so an extension asks for at most what is
/// left. Each reply is sent once per receipt: a failed delete is retried without sending the reply again.</summary>
public sealed class SqsWorkQueue(SqsClient sqs, string queueUrl, TimeSpan lease, Replies replies, Action<string> log) : IWorkQueue
{
    /// <summary>SQS's largest message (1 MiB since August 2025; 256 KiB before, and still a queue's
    /// MaximumMessageSize may be set lower): a larger reply is replaced by an error reply that fits.</summary>
    public const int MaxReplyBytes = 1024 * 1024;

    /// <summary>ReceiveMessage's deadline beyond its long poll.</summary>
    public static readonly TimeSpan ReceiveGrace = TimeSpan.FromSeconds(5);

    private string? _repliedFor;
    private (string Handle, DateTimeOffset At) _received;

    public TimeSpan KeepEvery => lease / 3;

    public async Task<TakenItem?> TakeAsync(TimeSpan wait, CancellationToken cancel)
    {
        var started = DateTimeOffset.UtcNow;
        var messages = await sqs.ReceiveAsync(queueUrl, 1, wait, lease, cancel, wait + ReceiveGrace);
        if (messages.Count > 0)
        {
            _received = (messages[0].ReceiptHandle, started);
            return new TakenItem(Encoding.UTF8.GetBytes(messages[0].Body), messages[0].ReceiptHandle);
        }
        // Emulators answer at once instead of long-polling; do not spin.
        var rest = wait - (DateTimeOffset.UtcNow - started);
        if (rest > TimeSpan.Zero) await Task.Delay(rest < TimeSpan.FromMilliseconds(200) ? rest : TimeSpan.FromMilliseconds(200), cancel);
        return null;
    }

    public Task KeepAsync(TakenItem item, CancellationToken cancel)
    {
        var hold = _received.Handle == item.Handle ? Hold(lease, _received.At, DateTimeOffset.UtcNow) : lease;
        return hold > TimeSpan.Zero
            ? sqs.ChangeVisibilityAsync(queueUrl, item.Handle, hold, cancel)
            : Task.CompletedTask;
    }

    /// <summary>The visibility an extension at <paramref name="now"/> asks for: the lease, or what is left (in whole
    /// seconds) of the 12 hours since the message was received at <paramref name="receivedAt"/> (taken from before
    /// the receive, so never too much); zero or less: ask for nothing.</summary>
    internal static TimeSpan Hold(TimeSpan lease, DateTimeOffset receivedAt, DateTimeOffset now)
    {
        var left = receivedAt + TimeSpan.FromSeconds(PlatformLimits.SqsMaxVisibilitySeconds) - now;
        left = TimeSpan.FromSeconds(Math.Floor(left.TotalSeconds));
        return left < lease ? left : lease;
    }

    public async Task<Finished> FinishAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel)
    {
        // SQS has no transaction across queues: reply, then delete. A crash in between repeats the invocation.
        var result = Finished.Done;
        if (replyTo is not null && reply is not null && _repliedFor != item.Handle)
        {
            result = await SendAsync(replyTo, Encoding.UTF8.GetString(reply), cancel);
            _repliedFor = item.Handle;
        }
        await sqs.DeleteAsync(queueUrl, item.Handle, cancel);
        return result;
    }

    private async Task<Finished> SendAsync(string replyTo, string reply, CancellationToken cancel)
    {
        if (Encoding.UTF8.GetByteCount(reply) > MaxReplyBytes || !SqsClient.IsQueueUrl(replyTo))
        {
            if (!SqsClient.IsQueueUrl(replyTo))
                throw new InvalidOperationException($"cannot reply to Redis list '{replyTo}' from an SQS worker");
            reply = TooLarge(reply);
        }
        try
        {
            await replies.SendSqsAsync(replyTo, reply, cancel);
        }
        catch (AwsCallException e) when (e.Code is "AWS.SimpleQueueService.NonExistentQueue" or "QueueDoesNotExist")
        {
            log($"reply queue {replyTo} does not exist: the reply is dropped and the message deleted");
            return Finished.ReplyRefused;
        }
        catch (AwsCallException e) when (e.Code is "InvalidParameterValue"
            && e.Message.Contains("shorter than", StringComparison.Ordinal))
        {
            await replies.SendSqsAsync(replyTo, TooLarge(reply), cancel);
        }
        return Finished.Done;
    }

    private static string TooLarge(string reply)
    {
        var parsed = Messages.ReadReply(reply);
        return Messages.Write(new InvocationReply(parsed.Id, null, new InvocationError(
            $"the reply of {Encoding.UTF8.GetByteCount(reply)} bytes is larger than the reply queue accepts", null)));
    }

    // Left undeleted: it reappears after the visibility timeout and, after the queue's maxReceiveCount, its
    // redrive policy moves it to the dead-letter queue, where it can be inspected.
    public Task<Finished> DeadLetterAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel) =>
        Task.FromResult(Finished.Done);

    public Task ReturnAsync(TakenItem item, CancellationToken cancel) =>
        sqs.ChangeVisibilityAsync(queueUrl, item.Handle, TimeSpan.Zero, cancel);

    public Task<long> CountAsync(CancellationToken cancel) => sqs.CountAsync(queueUrl, cancel);

    public Task<long> WaitingAsync(CancellationToken cancel) => sqs.CountAsync(queueUrl, cancel, visibleOnly: true);

    public Task SweepAsync(CancellationToken cancel) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
