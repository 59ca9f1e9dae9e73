using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Multinode.Worker.Shared;

namespace Multinode.Infra.Cli;

/// <summary><c>multinode invoke</c>: puts invocations on a Function's or Job's queue, the way any producer would, and
/// with <c>--wait</c> collects their replies through a reply list (Redis) or a temporary reply queue (SQS) of its own.
/// Exit 0 when every reply is an output, 1 on error replies or missing ones, 2 on usage errors.</summary>
public static class InvokeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var redis = new Option<string?>("--redis") { Description = "host:port of the Redis server (password from MULTINODE_REDIS_PASSWORD)." };
        var list = new Option<string?>("--list") { Description = "The Redis list the workers consume (the workload's queue)." };
        var sqs = new Option<string?>("--sqs") { Description = "The SQS queue URL the workers consume (credentials from the AWS default chain)." };
        var sqsEndpoint = new Option<string?>("--sqs-endpoint") { Description = "SQS endpoint override (an emulator); default: the queue URL's origin." };
        var input = new Option<string>("--input") { Description = "The invocation's input, as JSON.", Required = true };
        var count = new Option<int>("--count", "-n") { Description = "How many invocations to enqueue.", DefaultValueFactory = _ => 1 };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for every reply and print them as JSON lines." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the replies.", DefaultValueFactory = _ => 60 };
        var command = new Command("invoke", "Enqueue invocations of a Function or Job and, with --wait, print their replies.")
        {
            redis, list, sqs, sqsEndpoint, input, count, wait, timeout,
        };
        command.SetAction(parse =>
        {
            var request = new Request(parse.GetValue(redis), parse.GetValue(list), parse.GetValue(sqs), parse.GetValue(sqsEndpoint),
                parse.GetValue(input)!, parse.GetValue(count), parse.GetValue(wait), parse.GetValue(timeout));
            var problems = request.Problems();
            if (problems.Count > 0)
            {
                foreach (var problem in problems) stderr.WriteLine($"error: {problem}");
                return Cli.Usage;
            }
            try
            {
                return RunAsync(request, stdout, stderr).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or HttpRequestException or AwsCallException or RedisErrorException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return Cli.Invalid;
            }
        });
        return command;
    }

    private sealed record Request(string? Redis, string? List, string? Sqs, string? SqsEndpoint, string Input, int Count, bool Wait, int Timeout)
    {
        public List<string> Problems()
        {
            var problems = new List<string>();
            if ((Redis is null) == (Sqs is null)) problems.Add("give either --redis ADDRESS --list NAME or --sqs QUEUE_URL");
            if (Redis is not null && List is null) problems.Add("--redis needs --list NAME (the workload's queue)");
            if (Redis is not null)
            {
                try { RespConnection.ParseAddress(Redis); }
                catch (FormatException) { problems.Add($"--redis '{Redis}' must be host:port"); }
            }
            if (Sqs is not null && !SqsClient.IsQueueUrl(Sqs)) problems.Add($"--sqs '{Sqs}' must be a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
            if (SqsEndpoint is not null && !Uri.TryCreate(SqsEndpoint, UriKind.Absolute, out _)) problems.Add($"--sqs-endpoint '{SqsEndpoint}' must be an absolute URL");
            if (Count is < 1 or > 100000) problems.Add($"--count {Count} must be from 1 to 100000");
            if (Timeout is < 1 or > 86400) problems.Add($"--timeout {Timeout} must be from 1 to 86400 seconds");
            try
            {
                using var _ = JsonDocument.Parse(Input);
            }
            catch (JsonException e)
            {
                problems.Add($"--input is not JSON: {e.Message}");
            }
            return problems;
        }
    }

    /// <summary>Connects again, retrying every 200 ms–2 s until the wait's limit.</summary>
    private static async Task<RespConnection> ReconnectAsync(string address, string? password, Stopwatch clock, TimeSpan limit,
        TextWriter stderr)
    {
        for (var pause = 200; ; pause = Math.Min(2000, pause * 2))
        {
            try
            {
                return await RespConnection.ConnectAsync(address, password, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException
                && clock.Elapsed < limit)
            {
                stderr.WriteLine($"reconnecting to Redis failed ({e.Message}); again in {pause} ms");
                await Task.Delay(pause);
            }
        }
    }

    private static async Task<int> RunAsync(Request request, TextWriter stdout, TextWriter stderr)
    {
        using var inputDocument = JsonDocument.Parse(request.Input);
        var batch = Guid.NewGuid().ToString("N")[..12];
        string Id(int i) => $"{batch}-{i}";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(request.Timeout));
        var replies = new List<InvocationReply>();
        if (request.Redis is { } address)
        {
            var replyList = $"multinode:replies:{batch}";
            var password = Environment.GetEnvironmentVariable("MULTINODE_REDIS_PASSWORD");
            var redis = await RespConnection.ConnectAsync(address, password, deadline.Token);
            try
            {
                // Producers LPUSH; workers BLMOVE from the right: first in, first out.
                foreach (var chunk in Enumerable.Range(0, request.Count).Chunk(500))
                    await redis.CommandAsync(deadline.Token, ["LPUSH", request.List!, .. chunk.Select(i =>
                        Messages.Write(new InvocationMessage(Id(i), inputDocument.RootElement, request.Wait ? replyList : null)))]);
                if (!request.Wait) return Enqueued(request, batch, stdout);
                var clock = Stopwatch.StartNew();
                var limit = TimeSpan.FromSeconds(request.Timeout);
                while (replies.Count < request.Count && clock.Elapsed < limit)
                {
                    var left = Math.Max(1, request.Timeout - (int)clock.Elapsed.TotalSeconds);
                    try
                    {
                        var block = Math.Min(left, 5).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        if (await redis.CommandAsync(CancellationToken.None, "BLPOP", replyList, block)
                            is object?[] { Length: 2 } popped && popped[1] is string json)
                            replies.Add(Print(json, stdout));
                    }
                    catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
                    {
                        // A failover or a dropped connection: the workers keep answering into the reply list, so
                        // reconnect and keep waiting until --timeout.
                        stderr.WriteLine($"Redis connection lost ({e.Message}); reconnecting");
                        redis.Dispose();
                        redis = await ReconnectAsync(address, password, clock, limit, stderr);
                    }
                }
            }
            finally
            {
                try
                {
                    await redis.CommandAsync(CancellationToken.None, "DEL", replyList);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    stderr.WriteLine($"could not remove the reply list {replyList}: {e.Message}");
                }
                redis.Dispose();
            }
        }
        else
        {
            using var http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            var queueUri = new Uri(request.Sqs!);
            var client = new SqsClient(new AwsQueryClient(http, Region(queueUri), AwsQueryClient.DefaultCredentials()),
                request.SqsEndpoint is { } e ? new Uri(e) : null);
            string? replyQueue = request.Wait
                ? await client.CreateQueueAsync(new Uri(queueUri.GetLeftPart(UriPartial.Authority) + "/"), $"multinode-replies-{batch}", deadline.Token)
                : null;
            try
            {
                for (var i = 0; i < request.Count; i++)
                    await client.SendAsync(request.Sqs!, Messages.Write(new InvocationMessage(Id(i), inputDocument.RootElement, replyQueue)), deadline.Token);
                if (replyQueue is null) return Enqueued(request, batch, stdout);
                var clock = Stopwatch.StartNew();
                while (replies.Count < request.Count && clock.Elapsed < TimeSpan.FromSeconds(request.Timeout))
                {
                    var messages = await client.ReceiveAsync(replyQueue, 10, TimeSpan.FromSeconds(5), null, CancellationToken.None);
                    foreach (var message in messages)
                    {
                        replies.Add(Print(message.Body, stdout));
                        await client.DeleteAsync(replyQueue, message.ReceiptHandle, CancellationToken.None);
                    }
                    if (messages.Count == 0) await Task.Delay(200);
                }
            }
            finally
            {
                if (replyQueue is not null) await client.DeleteQueueAsync(replyQueue, CancellationToken.None);
            }
        }
        var errors = replies.Count(r => r.Error is not null);
        if (replies.Count < request.Count)
            stderr.WriteLine($"error: {replies.Count} of {request.Count} replies arrived within {request.Timeout} s");
        if (errors > 0) stderr.WriteLine($"error: {errors} of {replies.Count} replies are errors");
        return replies.Count == request.Count && errors == 0 ? Cli.Ok : Cli.Invalid;
    }

    private static InvocationReply Print(string json, TextWriter stdout)
    {
        var reply = Messages.ReadReply(json);
        stdout.WriteLine(Messages.Write(reply));
        stdout.Flush(); // each reply as it arrives, though standard output is buffered
        return reply;
    }

    private static int Enqueued(Request request, string batch, TextWriter stdout)
    {
        stdout.WriteLine($"enqueued {request.Count} invocation(s) {batch}-0..{batch}-{request.Count - 1} without replyTo (use --wait for replies)");
        return Cli.Ok;
    }

    /// <summary>The region from a queue URL (https://sqs.REGION.amazonaws.com/...), else AWS_REGION, else us-east-1.</summary>
    private static string Region(Uri queue)
    {
        var parts = queue.Host.Split('.');
        if (parts.Length >= 4 && parts[0] == "sqs" && parts[^2] == "amazonaws") return parts[1];
        return Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
    }
}
