using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>An SQS queue: receive with visibility = the lease (timeoutSeconds), extend it every third of that while
/// working, delete when done. A message whose worker died becomes visible again by itself.</summary>
public sealed class SqsWorkQueue(SqsClient sqs, string queueUrl, TimeSpan lease, Replies replies) : IWorkQueue
{
    public TimeSpan KeepEvery => lease / 3;

    public async Task<TakenItem?> TakeAsync(TimeSpan wait, CancellationToken cancel)
    {
        var started = DateTimeOffset.UtcNow;
        var messages = await sqs.ReceiveAsync(queueUrl, 1, wait, lease, cancel);
        if (messages.Count > 0) return new TakenItem(messages[0].Body, messages[0].ReceiptHandle);
        // Emulators answer at once instead of long-polling; do not spin.
        var rest = wait - (DateTimeOffset.UtcNow - started);
        if (rest > TimeSpan.Zero) await Task.Delay(rest < TimeSpan.FromMilliseconds(200) ? rest : TimeSpan.FromMilliseconds(200), cancel);
        return null;
    }

    public Task KeepAsync(TakenItem item, CancellationToken cancel) => sqs.ChangeVisibilityAsync(queueUrl, item.Handle, lease, cancel);

    public async Task<bool> FinishAsync(TakenItem item, string? replyTo, string? reply, CancellationToken cancel)
    {
        // SQS has no transaction across queues: reply, then delete. A crash in between repeats the invocation.
        if (replyTo is not null && reply is not null) await replies.SendAsync(replyTo, reply, cancel);
        await sqs.DeleteAsync(queueUrl, item.Handle, cancel);
        return true;
    }

    // Left undeleted: it reappears after the visibility timeout and, after the queue's maxReceiveCount, its
    // redrive policy moves it to the dead-letter queue, where it can be inspected.
    public Task RejectAsync(TakenItem item, CancellationToken cancel) => Task.CompletedTask;

    public Task<long> CountAsync(CancellationToken cancel) => sqs.CountAsync(queueUrl, cancel);

    public Task SweepAsync(CancellationToken cancel) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
