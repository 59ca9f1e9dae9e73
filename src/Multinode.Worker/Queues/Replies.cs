using System.Text.RegularExpressions;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>Posts replies to wherever <c>replyTo</c> points: an SQS queue URL, or a list on the worker's Redis.
/// An SQS <c>replyTo</c> is accepted only on the queue service of the worker's own region (and account, when the
/// worker consumes an SQS queue) or on its configured SQS endpoint: anything else is refused without a network
/// call, so signed requests never go to another host.</summary>
public sealed partial class Replies(RedisLink? redis, SqsClient? sqs, string? region, Uri? sqsEndpoint, string? ownQueueUrl)
{
    [GeneratedRegex("^/(?<account>[0-9]{12})/[A-Za-z0-9_-]{1,80}(\\.fifo)?$")]
    private static partial Regex QueuePath();

    /// <summary>Why <paramref name="replyTo"/> cannot be used by this worker, or null when it can.</summary>
    public string? Unusable(string replyTo)
    {
        if (!SqsClient.IsQueueUrl(replyTo))
            return redis is null
                ? $"replyTo '{Short(replyTo)}' is a Redis list, but this worker has no Redis (MULTINODE_REDIS_ADDRESS)"
                : null;
        if (sqs is null || region is null) return $"replyTo '{Short(replyTo)}' is an SQS queue URL, but this worker has no AWS_REGION";
        if (!Uri.TryCreate(replyTo, UriKind.Absolute, out var url)) return $"replyTo '{Short(replyTo)}' is not a URL";
        var origin = url.GetLeftPart(UriPartial.Authority);
        var own = ownQueueUrl is null ? null : new Uri(ownQueueUrl);
        if (sqsEndpoint is not null && origin == sqsEndpoint.GetLeftPart(UriPartial.Authority)) return null;
        var emulated = own is not null && own.Host != $"sqs.{region}.amazonaws.com";
        if (emulated && origin == own!.GetLeftPart(UriPartial.Authority)) return null;
        var path = QueuePath().Match(url.AbsolutePath);
        var regional = url.Scheme == "https" && url.Host == $"sqs.{region}.amazonaws.com" && url.IsDefaultPort;
        if (!regional || !path.Success || url.Query.Length > 0)
            return $"replyTo '{Short(replyTo)}' is not a queue of SQS in {region} (https://sqs.{region}.amazonaws.com/ACCOUNT/NAME)" +
                   (sqsEndpoint is null ? "" : $" nor of MULTINODE_SQS_ENDPOINT {sqsEndpoint}");
        var ownMatch = own is null ? null : QueuePath().Match(own.AbsolutePath);
        var ownAccount = ownMatch is { Success: true } ? ownMatch.Groups["account"].Value : null;
        if (ownAccount is not null && path.Groups["account"].Value != ownAccount)
            return $"replyTo '{Short(replyTo)}' is a queue of account {path.Groups["account"].Value}, " +
                   $"not of this worker's {ownAccount}";
        return null;
    }

    /// <summary>Sends to an SQS <paramref name="replyTo"/> (checked with <see cref="Unusable"/> first).</summary>
    public async Task SendSqsAsync(string replyTo, string reply, CancellationToken cancel)
    {
        if (Unusable(replyTo) is { } why) throw new InvalidOperationException(why);
        await sqs!.SendAsync(replyTo, reply, cancel);
    }

    /// <summary>Pushes to a Redis list <paramref name="replyTo"/>.</summary>
    public async Task PushAsync(string replyTo, string reply, CancellationToken cancel)
    {
        if (Unusable(replyTo) is { } why) throw new InvalidOperationException(why);
        await redis!.RunAsync(cancel, "RPUSH", replyTo, reply);
    }

    private static string Short(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
