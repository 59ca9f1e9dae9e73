namespace Multinode.Worker.Queues;

/// <summary>A message taken off the queue and not yet finished. <see cref="Handle"/> is the transport's receipt
/// (Redis: the lease key; SQS: the receipt handle).</summary>
public sealed record TakenItem(string Body, string Handle);

/// <summary>The queue a worker consumes: take one item, keep it while working, finish it with its reply.</summary>
public interface IWorkQueue : IAsyncDisposable
{
    /// <summary>How often <see cref="KeepAsync"/> must run while an item is in hand.</summary>
    TimeSpan KeepEvery { get; }

    /// <summary>Takes the next item, waiting at most <paramref name="wait"/>; null when none came.</summary>
    Task<TakenItem?> TakeAsync(TimeSpan wait, CancellationToken cancel);

    /// <summary>Extends this worker's hold on the item (lease TTL or visibility timeout).</summary>
    Task KeepAsync(TakenItem item, CancellationToken cancel);

    /// <summary>Posts <paramref name="reply"/> (if any) to <paramref name="replyTo"/> and removes the item.
    /// False when the hold was lost (the item went back to the queue), in which case nothing was posted.</summary>
    Task<bool> FinishAsync(TakenItem item, string? replyTo, string? reply, CancellationToken cancel);

    /// <summary>Sets aside an item that cannot be answered (malformed, no address).</summary>
    Task RejectAsync(TakenItem item, CancellationToken cancel);

    /// <summary>Items waiting plus items in hand: the queue's in-flight invocations.</summary>
    Task<long> CountAsync(CancellationToken cancel);

    /// <summary>Returns items left by dead workers to the queue; no-op where the transport does it itself.</summary>
    Task SweepAsync(CancellationToken cancel);
}
