using System.Globalization;
using System.Net;
using Multinode.Worker.Shared;
using Multinode.Worker.Tests.Servers;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Workers on an SQS queue served by sqslite (npm), driven by <c>multinode invoke --sqs</c>.</summary>
public sealed class SqsWorkerTests(SqsEmulator sqs) : IClassFixture<SqsEmulator>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task CliInvoke_TwoWorkersOnSqs_EveryReplyOnceAndReplyQueueDeleted()
    {
        using var http = new HttpClient();
        var client = sqs.Client(http);
        var queue = await client.CreateQueueAsync(sqs.Endpoint, "square", CancellationToken.None);
        using var server = new UserServerProcess("examples/square-function/server.js", ready: "square server on");
        await server.ReadyAsync();
        Dictionary<string, string?> Env() => new()
        {
            ["MULTINODE_KIND"] = "function",
            ["MULTINODE_WORKLOAD"] = "square",
            ["MULTINODE_QUEUE_KIND"] = "aws-sqs",
            ["MULTINODE_QUEUE"] = queue,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDTESTWORKER",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["MULTINODE_TIMEOUT_SECONDS"] = "10",
            ["MULTINODE_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        using var a = StartWorker(Env());
        using var b = StartWorker(Env());
        var (file, args) = Repo.Cli();
        using var cli = new Child(file, [.. args, "invoke", "--sqs", queue, "--sqs-endpoint", sqs.Endpoint.ToString(), "--input", """{"x":-4}""",
            "--count", "30", "--wait", "--timeout", "30"], new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDTESTCLI",
                ["AWS_SECRET_ACCESS_KEY"] = "secret",
            });

        Assert.Equal(0, await cli.WaitAsync(Limit));
        var lines = cli.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30, lines.Length);
        Assert.Equal(30, lines.Distinct().Count());
        Assert.All(lines, l => Assert.EndsWith("\"output\":{\"y\":16}}", l, StringComparison.Ordinal));
        Assert.Equal(0, await client.CountAsync(queue, CancellationToken.None));
        var reply = await Assert.ThrowsAsync<Multinode.Worker.Shared.AwsCallException>(() =>
            client.CountAsync(queue.Replace("/square", $"/multinode-replies-{lines[0][7..19]}", StringComparison.Ordinal), CancellationToken.None));
        Assert.Contains("NonExistentQueue", reply.Message, StringComparison.Ordinal);
        Assert.True(a.Output.Contains("serving", StringComparison.Ordinal) && b.Output.Contains("serving", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> Env(string queue, int port, Uri? endpoint) => new()
    {
        ["MULTINODE_KIND"] = "function",
        ["MULTINODE_WORKLOAD"] = "square",
        ["MULTINODE_QUEUE_KIND"] = "aws-sqs",
        ["MULTINODE_QUEUE"] = queue,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "AKIDTESTWORKER",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
        ["MULTINODE_TIMEOUT_SECONDS"] = "10",
        ["MULTINODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["MULTINODE_SQS_ENDPOINT"] = endpoint?.ToString(),
    };

    private static async Task<List<InvocationReply>> DrainAsync(SqsClient client, string queue, int atLeast, TimeSpan limit)
    {
        var replies = new List<InvocationReply>();
        var until = DateTime.UtcNow + limit;
        while (replies.Count < atLeast || await client.CountAsync(queue, CancellationToken.None) > 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{replies.Count} of {atLeast} replies within {limit}");
            foreach (var m in await client.ReceiveAsync(queue, 10, TimeSpan.Zero, TimeSpan.FromSeconds(30), CancellationToken.None))
            {
                replies.Add(Messages.ReadReply(m.Body));
                await client.DeleteAsync(queue, m.ReceiptHandle, CancellationToken.None);
            }
            await Task.Delay(20);
        }
        return replies;
    }

    [Fact]
    public async Task DeleteMessageFailsSometimes_EachReplySentOnce()
    {
        using var http = new HttpClient();
        var client = sqs.Client(http);
        var queue = await client.CreateQueueAsync(sqs.Endpoint, "flaky", CancellationToken.None);
        var replyQueue = await client.CreateQueueAsync(sqs.Endpoint, "flaky-replies", CancellationToken.None);
        using var proxy = new SqsFaultProxy(sqs.Endpoint);
        var (count, failEvery) = ChaosScale.Sqs;
        var limit = ChaosScale.Limit(Limit, count, 200);
        proxy.FailEvery["DeleteMessage"] = failEvery;
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        for (var i = 0; i < count; i++)
            await client.SendAsync(queue, Message($"d{i}", $$"""{"x":{{i % 7}}}""", replyQueue), CancellationToken.None);
        using var a = StartWorker(Env(queue, server.Port, proxy.Endpoint));
        using var b = StartWorker(Env(queue, server.Port, proxy.Endpoint));

        await UntilAsync(async () => await client.CountAsync(queue, CancellationToken.None) == 0, limit, "every message deleted");
        var replies = await DrainAsync(client, replyQueue, count, limit);

        Assert.True(proxy.Injected >= count / failEvery * 3 / 4, $"{proxy.Injected} DeleteMessage failures injected");
        Assert.Equal(count, replies.Count);
        Assert.Equal(count, replies.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task OversizeReply_ErrorReplyThatFits_MissingReplyQueue_DeletedOnce_ForeignReplyTo_RefusedWithoutACall()
    {
        using var http = new HttpClient();
        var client = sqs.Client(http);
        var queue = await client.CreateQueueAsync(sqs.Endpoint, "edges", CancellationToken.None);
        var replyQueue = await client.CreateQueueAsync(sqs.Endpoint, "edges-replies", CancellationToken.None);
        using var proxy = new SqsFaultProxy(sqs.Endpoint) { MaxMessageBytes = 262_144 };
        using var foreign = new HttpListener();
        var foreignPort = Repo.FreePort();
        foreign.Prefixes.Add($"http://127.0.0.1:{foreignPort}/");
        foreign.Start();
        var foreignHits = 0;
        _ = Task.Run(async () =>
        {
            while (foreign.IsListening)
            {
                try { (await foreign.GetContextAsync()).Response.Close(); Interlocked.Increment(ref foreignHits); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            }
        });
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        await client.SendAsync(queue, Message("big", """{"bytes":300000}""", replyQueue), CancellationToken.None);
        await client.SendAsync(queue, Message("gone", """{"x":11}""", replyQueue.Replace("edges-replies", "no-such-queue", StringComparison.Ordinal)),
            CancellationToken.None);
        await client.SendAsync(queue, Message("elsewhere", """{"x":12}""", $"http://127.0.0.1:{foreignPort}/123456789012/stolen"), CancellationToken.None);
        await client.SendAsync(queue, Message("fine", """{"x":13}""", replyQueue), CancellationToken.None);
        using var worker = StartWorker(Env(queue, server.Port, proxy.Endpoint));

        var replies = await DrainAsync(client, replyQueue, 2, Limit);
        await worker.WaitForOutputAsync("set aside", Limit);

        Assert.Equal(["big", "fine"], replies.Select(r => r.Id));
        var size = System.Text.RegularExpressions.Regex.Match(replies[0].Error!.Message, "^the reply of ([0-9]+) bytes is larger than the reply queue accepts$");
        Assert.True(size.Success, replies[0].Error!.Message);
        Assert.InRange(int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), 300_000, 300_100);
        Assert.Equal(169, replies[1].Output!.Value.GetProperty("y").GetInt32());
        Assert.Equal(1, server.Invocations("\"x\":11"));
        Assert.Single(worker.Output.Split('\n'), l => l.Contains("no-such-queue does not exist", StringComparison.Ordinal));
        Assert.Equal(0, server.Invocations("\"x\":12"));
        Assert.Equal(0, foreignHits);
        Assert.Contains($"replyTo 'http://127.0.0.1:{foreignPort}/123456789012/stolen' is not a queue of SQS in us-east-1", worker.Output,
            StringComparison.Ordinal);
        worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(Limit));
    }

    [Fact]
    public async Task ReceiveMessageHangs_DeadlineThenServesOn()
    {
        using var http = new HttpClient();
        var client = sqs.Client(http);
        var queue = await client.CreateQueueAsync(sqs.Endpoint, "hung", CancellationToken.None);
        var replyQueue = await client.CreateQueueAsync(sqs.Endpoint, "hung-replies", CancellationToken.None);
        using var proxy = new SqsFaultProxy(sqs.Endpoint);
        proxy.Hang["ReceiveMessage"] = 1;
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var worker = StartWorker(Env(queue, server.Port, proxy.Endpoint));
        await worker.WaitForOutputAsync("serving", Limit);
        await client.SendAsync(queue, Message("h", """{"x":5}""", replyQueue), CancellationToken.None);

        var reply = Assert.Single(await DrainAsync(client, replyQueue, 1, Limit));

        Assert.Equal(25, reply.Output!.Value.GetProperty("y").GetInt32());
        Assert.Contains("ReceiveMessage to 127.0.0.1", worker.Output, StringComparison.Ordinal);
    }
}
