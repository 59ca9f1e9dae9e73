namespace Multinode.Worker.Queues;

/// <summary>A message taken off the queue and not yet finished, as the bytes the queue holds.
/// <see cref="Handle"/> is the transport's receipt (Redis: the lease key; SQS: the receipt handle).</summary>
public sealed record TakenItem(byte[] Body, string Handle);

/// <summary>How finishing an item went.</summary>
public enum Finished
{
    /// <summary>Replied (if asked) and removed.</summary>
    Done,
    /// <summary>This worker's hold had expired: the item went back to the queue; nothing was posted.</summary>
    HoldLost,
    /// <summary>The reply could not be posted where replyTo points (a non-list Redis key, a missing SQS queue);
    /// the item was set aside once (Redis: the dead list) or removed (SQS), and logged.</summary>
    ReplyRefused,
}

/// <summary>The queue a worker consumes: take one item, keep it while working, finish it with its reply.</summary>
public interface IWorkQueue : IAsyncDisposable
{
    /// <summary>How often <see cref="KeepAsync"/> must run while an item is in hand.</summary>
    TimeSpan KeepEvery { get; }

    /// <summary>Takes the next item, waiting at most <paramref name="wait"/>; null when none came.</summary>
    Task<TakenItem?> TakeAsync(TimeSpan wait, CancellationToken cancel);

    /// <summary>Extends this worker's hold on the item (lease TTL or visibility timeout).</summary>
    Task KeepAsync(TakenItem item, CancellationToken cancel);

    /// <summary>Posts <paramref name="reply"/> (if any) to <paramref name="replyTo"/> and removes the item. Safe to
    /// call again after a failure: a reply already posted is not posted twice.</summary>
    Task<Finished> FinishAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel);

    /// <summary>Sets aside an item that must not be retried (docs/worker.md, "Dead letters"): Redis moves it to
    /// <c>&lt;list&gt;:dead</c> once (posting <paramref name="reply"/> too when given); SQS leaves it for the
    /// queue's redrive policy.</summary>
    Task<Finished> DeadLetterAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel);

    /// <summary>Gives the item back at once for another worker (Redis: to the consumer end of the list; SQS:
    /// visibility 0), posting nothing.</summary>
    Task ReturnAsync(TakenItem item, CancellationToken cancel);

    /// <summary>Items waiting plus items in hand: the queue's in-flight invocations.</summary>
    Task<long> CountAsync(CancellationToken cancel);

    /// <summary>Items waiting only (not yet taken).</summary>
    Task<long> WaitingAsync(CancellationToken cancel);

    /// <summary>Returns items left by dead workers to the queue; no-op where the transport does it itself.</summary>
    Task SweepAsync(CancellationToken cancel);
}
