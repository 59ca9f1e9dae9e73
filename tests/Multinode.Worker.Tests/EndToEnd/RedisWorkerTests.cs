using System.Globalization;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Real worker processes against a real redis-server and a real (node) user server.</summary>
public sealed class RedisWorkerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ItemsFlowing_TwoRedisRoundTripsPerMessage_BlockingTakeOnlyWhenTheListIsEmpty()
    {
        using var server = new UserServerProcess("examples/square-function/server.js", ready: "square server on");
        await server.ReadyAsync();
        using var worker = StartWorker(RedisEnv(redis, "flow", server.Port));
        await worker.WaitForOutputAsync("serving flow", Limit);
        using var c = await redis.ConnectAsync();
        await c.CommandAsync(CancellationToken.None, "CONFIG", "RESETSTAT");
        await PushAsync(c, "flow", [.. Enumerable.Range(0, 200).Select(i => Message($"f{i}", $$"""{"x":{{i}}}""", "flow:replies"))]);

        Assert.Equal(200, (await RepliesAsync(c, "flow:replies", 200, Limit)).Select(r => r.Id).Distinct().Count());

        // Per message: one script that moves the item and sets its lease, one that replies and removes it (docs/worker.md,
        // "Queues"); BLMOVE only after a take found the list empty, about once a second. (Redis counts the commands a
        // script runs under their own names too, so SET is not a count of round trips.)
        var stats = (string)(await c.CommandAsync(CancellationToken.None, "INFO", "commandstats"))!;
        long Calls(string command) => System.Text.RegularExpressions.Regex.Match(stats, $"cmdstat_{command}:calls=(\\d+)")
            is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        // The first item may arrive while the worker blocks in BLMOVE and be taken by it: count round trips, not
        // scripts alone (three per message, the old way, would be 600).
        Assert.InRange(Calls("blmove"), 1, 20);
        Assert.InRange(Calls("evalsha") + Calls("eval") + Calls("blmove"), 400, 420);
    }

    [Fact]
    public async Task Run_FourWorkersThreeHundredInvocations_EachAnsweredExactlyOnce()
    {
        using var server = new UserServerProcess("examples/square-function/server.js", ready: "square server on");
        await server.ReadyAsync();
        var workers = Enumerable.Range(0, 4).Select(_ => StartWorker(RedisEnv(redis, "many", server.Port))).ToList();
        try
        {
            using var c = await redis.ConnectAsync();
            await PushAsync(c, "many", [.. Enumerable.Range(0, 300).Select(i => Message($"m{i}", $$"""{"x":{{i}}}""", "many:replies"))]);

            var replies = await RepliesAsync(c, "many:replies", 300, Limit);

            Assert.Equal(300, replies.Select(r => r.Id).Distinct().Count());
            foreach (var reply in replies)
            {
                var x = int.Parse(reply.Id[1..], CultureInfo.InvariantCulture);
                Assert.Null(reply.Error);
                Assert.Equal(x * x, reply.Output!.Value.GetProperty("y").GetInt32());
            }
            // Every worker has exited before the lists are read, so no late (duplicate) reply can still come.
            foreach (var worker in workers) worker.Signal(Child.SigTerm);
            foreach (var worker in workers) Assert.Equal(0, await worker.WaitAsync(Limit));
            Assert.Equal(0, await LengthAsync(c, "many:replies"));
            Assert.Equal(0, await LengthAsync(c, "many"));
            Assert.Equal(0, await LengthAsync(c, "many:processing"));
            Assert.All(workers, w => Assert.Contains("serving many", w.Output, StringComparison.Ordinal));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task Sigterm_MidInvocation_FinishesItAndLeavesTheRestQueued()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "term", Message("t0", """{"x":2,"sleepMs":1500}""", "term:replies"), Message("t1", """{"x":3}""", "term:replies"),
            Message("t2", """{"x":4}""", "term:replies"));
        using (var worker = StartWorker(RedisEnv(redis, "term", server.Port)))
        {
            await UntilAsync(async () => await LengthAsync(c, "term:processing") == 1, Limit, "the worker took t0");
            worker.Signal(Child.SigTerm);

            Assert.Equal(0, await worker.WaitAsync(Limit));
            var first = Assert.Single(await RepliesAsync(c, "term:replies", 1, TimeSpan.FromSeconds(1)));
            Assert.Equal("t0", first.Id);
            Assert.Equal(4, first.Output!.Value.GetProperty("y").GetInt32());
            Assert.Equal(2, await LengthAsync(c, "term"));
            Assert.Equal(0, await LengthAsync(c, "term:processing"));
        }
        using var next = StartWorker(RedisEnv(redis, "term", server.Port));
        var rest = await RepliesAsync(c, "term:replies", 2, Limit);
        Assert.Equal(["t1", "t2"], rest.Select(r => r.Id));
        next.Signal(Child.SigTerm);
        Assert.Equal(0, await next.WaitAsync(Limit));
        Assert.Equal(0, await LengthAsync(c, "term:replies"));
    }

    [Fact]
    public async Task Sigkill_MidInvocation_ItemRecoveredAndAnsweredOnce()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "kill", Message("k0", """{"x":5,"sleepMs":1000}""", "kill:replies"));
        using (var victim = StartWorker(RedisEnv(redis, "kill", server.Port, timeoutSeconds: 2)))
        {
            await UntilAsync(() => Task.FromResult(server.Invocations("\"x\":5") == 1), Limit, "the victim invoked k0");
            victim.Signal(Child.SigKill);
            await victim.WaitAsync(Limit);
        }
        Assert.Equal(0, await LengthAsync(c, "kill:replies"));

        using var rescuer = StartWorker(RedisEnv(redis, "kill", server.Port, timeoutSeconds: 2));
        var reply = Assert.Single(await RepliesAsync(c, "kill:replies", 1, Limit));

        Assert.Equal("k0", reply.Id);
        Assert.Equal(25, reply.Output!.Value.GetProperty("y").GetInt32());
        rescuer.Signal(Child.SigTerm);
        Assert.Equal(0, await rescuer.WaitAsync(Limit));
        Assert.Equal(0, await LengthAsync(c, "kill:replies"));
        Assert.Equal(0, await LengthAsync(c, "kill:processing"));
        // At least once: the user server ran k0 for the victim and again for the rescuer.
        Assert.Equal(2, server.Invocations("\"x\":5"));
    }

    [Fact]
    public async Task Invoke_UserServerHangsOrFails_ErrorReplies()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(RedisEnv(redis, "bad", server.Port, timeoutSeconds: 2));
        // Before the push: the worker may take the message (and start its 2 s timeout) before the push returns.
        var started = DateTime.UtcNow;
        await PushAsync(c, "bad", Message("hang", """{"hang":true}""", "bad:replies"), Message("500", """{"status":500}""", "bad:replies"));

        var hang = Assert.Single(await RepliesAsync(c, "bad:replies", 1, Limit));
        var failed = Assert.Single(await RepliesAsync(c, "bad:replies", 1, Limit));

        Assert.Equal("hang", hang.Id);
        Assert.Null(hang.Output);
        Assert.Equal("the user server did not answer within 2 s (MULTINODE_TIMEOUT_SECONDS)", hang.Error!.Message);
        Assert.Null(hang.Error.Status);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2));
        Assert.Equal(new Multinode.Worker.Shared.InvocationError("failed on purpose with 500", 500), failed.Error);
    }

    [Fact]
    public async Task Invoke_UserServerCrashes_ErrorReplyThenWaitsForItsReturn()
    {
        using var c = await redis.ConnectAsync();
        var first = new UserServerProcess();
        await first.ReadyAsync();
        using var worker = StartWorker(RedisEnv(redis, "crash", first.Port, timeoutSeconds: 2));
        await PushAsync(c, "crash", Message("boom", """{"crash":true}""", "crash:replies"), Message("after", """{"x":1}""", "crash:replies"));

        var boom = Assert.Single(await RepliesAsync(c, "crash:replies", 1, Limit));

        Assert.Equal("boom", boom.Id);
        Assert.StartsWith("the user server did not answer", boom.Error!.Message, StringComparison.Ordinal);
        Assert.Null(boom.Error.Status);
        first.Dispose();
        // The server is gone: the worker says it waits for it and takes nothing more until it is back (a restarted
        // container).
        await worker.WaitForOutputAsync("waiting for the user server", Limit);
        Assert.Equal(1, await LengthAsync(c, "crash"));
        using var restarted = new UserServerProcess(port: first.Port);
        var after = Assert.Single(await RepliesAsync(c, "crash:replies", 1, Limit));
        Assert.Equal("after", after.Id);
        Assert.Equal(1, after.Output!.Value.GetProperty("y").GetInt32());
    }

    [Fact]
    public async Task Take_MalformedMessages_ErrorReplyOrSetAside()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(RedisEnv(redis, "odd", server.Port));
        await PushAsync(c, "odd", """{"id":"no-input","replyTo":"odd:replies"}""", "not json at all", Message("fine", """{"x":6}""", "odd:replies"));

        var replies = await RepliesAsync(c, "odd:replies", 2, Limit);

        Assert.Equal("no-input", replies[0].Id);
        Assert.Equal(new Multinode.Worker.Shared.InvocationError("malformed message: \"input\" is missing", null), replies[0].Error);
        Assert.Equal(36, replies[1].Output!.Value.GetProperty("y").GetInt32());
        Assert.Equal("not json at all", await c.CommandAsync(CancellationToken.None, "LINDEX", "odd:dead", "0"));
        Assert.Equal(0, await LengthAsync(c, "odd:processing"));
    }

    [Fact]
    public async Task Job_OneMessage_AnswersAndExits()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "job", Message("j0", """{"x":7}""", "job:replies"), Message("j1", """{"x":8}""", "job:replies"));
        using var worker = StartWorker(RedisEnv(redis, "job", server.Port, kind: "job"));

        Assert.Equal(0, await worker.WaitAsync(Limit));
        var reply = Assert.Single(await RepliesAsync(c, "job:replies", 1, Limit));
        Assert.Equal("j0", reply.Id);
        Assert.Equal(1, await LengthAsync(c, "job"));
    }

    [Fact]
    public async Task Job_NoMessageWithinWait_Exits()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        var env = RedisEnv(redis, "nojob", server.Port, kind: "job");
        env["MULTINODE_MESSAGE_WAIT_SECONDS"] = "1";
        using var worker = StartWorker(env);

        Assert.Equal(0, await worker.WaitAsync(Limit));
        Assert.Contains("no message within 1 s", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadEnvironment_ListsEveryProblemAndExits2()
    {
        using var worker = StartWorker(new Dictionary<string, string?> { ["MULTINODE_KIND"] = "Daemon", ["MULTINODE_TIMEOUT_SECONDS"] = "soon" });

        Assert.Equal(2, await worker.WaitAsync(Limit));
        Assert.Equal("""
            multinode-worker: 5 configuration problems (see docs/worker.md):
              MULTINODE_KIND='Daemon' is not a kind's name in lower case (letters and digits)
              MULTINODE_WORKLOAD is missing: the workload's name
              MULTINODE_QUEUE_KIND is missing: one of redis, aws-sqs
              MULTINODE_QUEUE is missing: the Redis list name or the SQS queue URL
              MULTINODE_TIMEOUT_SECONDS='soon' must be a whole number from 1 to 42900

            """, worker.Output);
    }

    [Fact]
    public async Task CliInvoke_RedisWithWait_PrintsEachOutput()
    {
        using var server = new UserServerProcess("examples/square-function/server.js", ready: "square server on");
        await server.ReadyAsync();
        using var a = StartWorker(RedisEnv(redis, "cli", server.Port));
        using var b = StartWorker(RedisEnv(redis, "cli", server.Port));
        var (file, args) = Repo.Cli();
        using var cli = new Child(file, [.. args, "invoke", "--redis", redis.Address, "--list", "cli", "--input", """{"x":12}""", "--count", "20", "--wait", "--timeout", "30"]);

        Assert.Equal(0, await cli.WaitAsync(Limit));
        var lines = cli.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        Assert.All(lines, l => Assert.Matches("""^\{"id":"[0-9a-f]{12}-\d+","output":\{"y":144\}\}$""", l));
        using var c = await redis.ConnectAsync();
        Assert.Empty((object?[])(await c.CommandAsync(CancellationToken.None, "KEYS", "multinode:replies:*"))!);
    }

    [Fact]
    public async Task CliInvoke_ErrorReply_ExitsOne()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var worker = StartWorker(RedisEnv(redis, "clierr", server.Port));
        var (file, args) = Repo.Cli();
        using var cli = new Child(file, [.. args, "invoke", "--redis", redis.Address, "--list", "clierr", "--input", """{"status":422}""", "--wait"]);

        Assert.Equal(1, await cli.WaitAsync(Limit));
        Assert.Contains("\"error\":{\"message\":\"failed on purpose with 422\",\"status\":422}", cli.Output, StringComparison.Ordinal);
        Assert.Contains("error: 1 of 1 replies are errors", cli.Output, StringComparison.Ordinal);
    }
}
