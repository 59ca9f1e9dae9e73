using System.Globalization;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Starting workers and talking to their queues the way a producer does.</summary>
public static class Harness
{
    public static Dictionary<string, string?> RedisEnv(RedisServer redis, string list, int userPort, int timeoutSeconds = 5,
        string kind = "function")
    {
        var env = new Dictionary<string, string?>
        {
        ["MULTINODE_KIND"] = kind,
        ["MULTINODE_WORKLOAD"] = "square",
        ["MULTINODE_QUEUE_KIND"] = "redis",
        ["MULTINODE_QUEUE"] = list,
        ["MULTINODE_REDIS_ADDRESS"] = redis.Address,
        ["MULTINODE_TIMEOUT_SECONDS"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ["MULTINODE_PORT"] = userPort.ToString(CultureInfo.InvariantCulture),
        };
        // What makes a worker take one message and exit, as a Job's plan gives it (WorkerSidecar.OneMessageEnv).
        if (kind == "job") env["MULTINODE_MESSAGE_WAIT_SECONDS"] = "120";
        return env;
    }

    public static Child StartWorker(IDictionary<string, string?> env)
    {
        var (file, args) = Repo.Worker();
        return new Child(file, args, env);
    }

    public static string Message(string id, string input, string? replyTo) =>
        Messages.Write(new InvocationMessage(id, System.Text.Json.JsonDocument.Parse(input).RootElement, replyTo));

    /// <summary>LPUSH, as producers do (workers take from the right: first in, first out).</summary>
    public static async Task PushAsync(RespConnection redis, string list, params string[] messages)
    {
        foreach (var chunk in messages.Chunk(200))
            await redis.CommandAsync(CancellationToken.None, ["LPUSH", list, .. chunk]);
    }

    public static async Task<List<InvocationReply>> RepliesAsync(RespConnection redis, string replyList, int count, TimeSpan limit)
    {
        var replies = new List<InvocationReply>();
        var until = DateTime.UtcNow + limit;
        while (replies.Count < count)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{replies.Count} of {count} replies within {limit}");
            var popped = await redis.CommandAsync(CancellationToken.None, "BLPOP", replyList,
                Math.Max(0.1, Math.Min(1, left.TotalSeconds)).ToString("0.###", CultureInfo.InvariantCulture));
            if (popped is object?[] { Length: 2 } pair && pair[1] is string json) replies.Add(Messages.ReadReply(json));
        }
        return replies;
    }

    public static async Task<long> LengthAsync(RespConnection redis, string list) =>
        (long)(await redis.CommandAsync(CancellationToken.None, "LLEN", list))!;

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var until = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not within {limit}: {what}");
            await Task.Delay(25);
        }
    }
}
