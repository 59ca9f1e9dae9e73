using System.Text;
using Multinode.Worker.Tests.Servers;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Poison items and silent connections on a real redis-server.</summary>
public sealed class RedisFaultTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static async Task PushBytesAsync(Multinode.Worker.Shared.RespConnection c, string list, byte[] item) =>
        await c.RunAsync(TimeSpan.FromSeconds(5), false, CancellationToken.None, "LPUSH", list, item);

    [Fact]
    public async Task Poison_InvalidUtf8_NonListReplyTo_TooLarge_TooDeep_EachSetAsideOnce()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        await c.CommandAsync(CancellationToken.None, "SET", "poison:taken", "a string key, not a list");
        byte[] invalid = [.. "{\"id\":\"utf\",\"input\":{\"x\":\""u8.ToArray(), 0xff, .. "\"},\"replyTo\":\"poison:replies\"}"u8.ToArray()];
        var deep = new string('[', 300) + new string(']', 300);
        await PushBytesAsync(c, "poison", invalid);
        await PushAsync(c, "poison", Message("wrongtype", """{"x":2}""", "poison:taken"),
            Message("large", $$"""{"pad":"{{new string('p', 3000)}}"}""", "poison:replies"),
            $$"""{"id":"deep","input":{{deep}},"replyTo":"poison:replies"}""",
            Message("fine", """{"x":3}""", "poison:replies"));
        var env = RedisEnv(redis, "poison", server.Port);
        env["MULTINODE_MAX_MESSAGE_BYTES"] = "2048";
        using var worker = StartWorker(env);

        // The deep one has a usable address: its sender is told; then the fine one is answered.
        var replies = await RepliesAsync(c, "poison:replies", 2, Limit);

        Assert.Equal(("deep", "malformed message: the message nests deeper than 256 levels"), (replies[0].Id, replies[0].Error!.Message));
        Assert.Equal(9, replies[1].Output!.Value.GetProperty("y").GetInt32());
        var dead = (object?[])(await c.RunAsync(TimeSpan.FromSeconds(5), true, CancellationToken.None, "LRANGE", "poison:dead", "0", "-1"))!;
        Assert.Equal(4, dead.Length);
        Assert.Equal(invalid, (byte[])dead[0]!);
        Assert.Contains("\"wrongtype\"", Encoding.UTF8.GetString((byte[])dead[1]!), StringComparison.Ordinal);
        Assert.Contains("\"large\"", Encoding.UTF8.GetString((byte[])dead[2]!), StringComparison.Ordinal);
        Assert.Contains("\"deep\"", Encoding.UTF8.GetString((byte[])dead[3]!), StringComparison.Ordinal);
        Assert.Equal(0, await LengthAsync(c, "poison:processing"));
        Assert.Equal(0, await LengthAsync(c, "poison"));
        // Only the wrong-type reply target reached the user's server; none was retried.
        Assert.Equal(1, server.Invocations("\"x\":2"));
        Assert.Equal(0, server.Invocations("\"pad\""));
        Assert.Single(worker.Output.Split('\n'), l => l.Contains("not valid UTF-8", StringComparison.Ordinal));
        Assert.Single(worker.Output.Split('\n'), l => l.Contains("MULTINODE_MAX_MESSAGE_BYTES (2048)", StringComparison.Ordinal));
        Assert.Single(worker.Output.Split('\n'), l => l.Contains("replyTo 'poison:taken' cannot take a reply", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SqsReplyToWithoutAws_SetAsideOnceWithoutInvoking()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "noaws", Message("q", """{"x":5}""", "https://sqs.eu-west-1.amazonaws.com/123456789012/replies"),
            Message("fine", """{"x":1}""", "noaws:replies"));
        using var worker = StartWorker(RedisEnv(redis, "noaws", server.Port));

        await RepliesAsync(c, "noaws:replies", 1, Limit);

        Assert.Equal(1, await LengthAsync(c, "noaws:dead"));
        Assert.Equal(0, server.Invocations("\"x\":5"));
        Assert.Contains("is an SQS queue URL, but this worker has no AWS_REGION", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentConnection_Noticed_Reconnects_AndSigtermHonoured()
    {
        using var proxy = new SilentProxy(redis.Port);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        var env = RedisEnv(redis, "silent", server.Port);
        env["MULTINODE_REDIS_ADDRESS"] = proxy.Address;
        using var worker = StartWorker(env);
        await worker.WaitForOutputAsync("serving silent", Limit);
        await PushAsync(c, "silent", Message("s0", """{"x":2}""", "silent:replies"));
        await RepliesAsync(c, "silent:replies", 1, Limit);

        var before = proxy.Accepted;
        proxy.SilenceOpenConnections();
        await PushAsync(c, "silent", Message("s1", """{"x":3}""", "silent:replies"));

        Assert.Equal(9, Assert.Single(await RepliesAsync(c, "silent:replies", 1, TimeSpan.FromSeconds(45))).Output!.Value.GetProperty("y").GetInt32());
        Assert.True(proxy.Accepted > before);
        // The blocking connection is noticed once the worker next blocks on it (a worker that keeps finding items
        // takes them with one script on its other connection, which has its own deadline).
        await worker.WaitForOutputAsync("did not answer BLMOVE within 6 s", TimeSpan.FromSeconds(20));

        proxy.SilenceOpenConnections();
        worker.Signal(Child.SigTerm);
        // A blocking take's deadline (1 s + 5 s) bounds how long a silent connection can hold SIGTERM.
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task CliInvokeWait_RedisConnectionDropped_ReconnectsGetsEveryReplyAndRemovesItsList()
    {
        using var proxy = new SilentProxy(redis.Port);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var worker = StartWorker(RedisEnv(redis, "drop", server.Port));
        var (file, args) = Repo.Cli();
        using var cli = new Child(file, [.. args, "invoke", "--redis", proxy.Address, "--list", "drop", "--input", """{"x":3,"sleepMs":700}""",
            "--count", "4", "--wait", "--timeout", "40"]);
        await cli.WaitForOutputAsync("\"output\"", Limit);

        proxy.DropOpenConnections();

        Assert.Equal(0, await cli.WaitAsync(Limit));
        Assert.Equal(4, cli.Output.Split('\n').Count(l => l.EndsWith("\"output\":{\"y\":9}}", StringComparison.Ordinal)));
        Assert.Contains("Redis connection lost", cli.Output, StringComparison.Ordinal);
        using var c = await redis.ConnectAsync();
        Assert.Empty((object?[])(await c.CommandAsync(CancellationToken.None, "KEYS", "multinode:replies:*"))!);
    }

    [Fact]
    public async Task PodWideSigterm_UserServerExitsMidInvocation_ItemReturnedNotAnsweredWithAnError()
    {
        using var c = await redis.ConnectAsync();
        using (var server = new UserServerProcess())
        {
            await server.ReadyAsync();
            using var worker = StartWorker(RedisEnv(redis, "podterm", server.Port, timeoutSeconds: 10));
            await PushAsync(c, "podterm", Message("p0", """{"x":7,"sleepMs":5000}""", "podterm:replies"));
            await UntilAsync(() => Task.FromResult(server.Invocations("\"x\":7") == 1), Limit, "p0 invoked");

            // Kubernetes signals both containers at once; node exits on SIGTERM by default.
            server.Signal(Child.SigTerm);
            worker.Signal(Child.SigTerm);

            Assert.Equal(0, await worker.WaitAsync(Limit));
            Assert.Equal(0, await LengthAsync(c, "podterm:replies"));
            Assert.Equal(1, await LengthAsync(c, "podterm"));
            Assert.Equal(0, await LengthAsync(c, "podterm:processing"));
        }
        using var next = new UserServerProcess();
        await next.ReadyAsync();
        using var rescuer = StartWorker(RedisEnv(redis, "podterm", next.Port, timeoutSeconds: 10));
        Assert.Equal(49, Assert.Single(await RepliesAsync(c, "podterm:replies", 1, Limit)).Output!.Value.GetProperty("y").GetInt32());
    }
}
