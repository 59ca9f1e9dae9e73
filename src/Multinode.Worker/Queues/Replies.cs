using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>Posts replies to wherever <c>replyTo</c> points: an SQS queue URL, or a list on the worker's Redis.</summary>
public sealed class Replies(Func<CancellationToken, Task<RedisLink>>? redis, SqsClient? sqs)
{
    public async Task SendAsync(string replyTo, string reply, CancellationToken cancel)
    {
        if (SqsClient.IsQueueUrl(replyTo))
        {
            if (sqs is null) throw new InvalidOperationException($"cannot reply to SQS queue {replyTo}: AWS_REGION is not set");
            await sqs.SendAsync(replyTo, reply, cancel);
            return;
        }
        if (redis is null) throw new InvalidOperationException($"cannot reply to Redis list '{replyTo}': this worker has no Redis (MULTINODE_REDIS_ADDRESS)");
        var link = await redis(cancel);
        await link.RunAsync(c => c.CommandAsync(cancel, "RPUSH", replyTo, reply), cancel);
    }
}
