using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>AWS duties against <see cref="FakeAws"/> (no Auto Scaling or IMDS emulator exists), with a real
/// redis-server as the queue and real worker processes.</summary>
public sealed class AwsWorkerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static Dictionary<string, string?> AwsEnv(RedisServer redis, FakeAws aws, string list, int port, int cooldown, int spare)
    {
        var env = RedisEnv(redis, list, port, timeoutSeconds: 5);
        env["MULTINODE_PLATFORM"] = "aws";
        env["AWS_REGION"] = "eu-west-1";
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTWORKER";
        env["AWS_SECRET_ACCESS_KEY"] = "secret";
        env["MULTINODE_INSTANCE_ID"] = "i-self";
        env["MULTINODE_GROUP"] = "square-asg";
        env["MULTINODE_AUTOSCALING_ENDPOINT"] = aws.Endpoint.ToString();
        env["MULTINODE_IMDS_ENDPOINT"] = aws.Endpoint.ToString();
        env["MULTINODE_COOLDOWN_SECONDS"] = cooldown.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["MULTINODE_SPARE_WORKERS"] = spare.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }

    [Fact]
    public async Task Invocation_ProtectedWhileBusy_UnprotectedWhenIdle()
    {
        using var aws = new FakeAws();
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "prot", server.Port, cooldown: 600, spare: 0));
        await worker.WaitForOutputAsync("serving prot", Limit);

        await PushAsync(c, "prot", Message("p0", """{"x":3,"sleepMs":300}""", "prot:replies"));
        await UntilAsync(() => Task.FromResult(aws.Of("SetInstanceProtection").Count == 1), Limit, "protection on");
        var replied = (await RepliesAsync(c, "prot:replies", 1, Limit), DateTimeOffset.UtcNow).Item2;
        await UntilAsync(() => Task.FromResult(aws.Of("SetInstanceProtection").Count == 2), Limit, "protection off");

        var calls = aws.Of("SetInstanceProtection");
        Assert.Equal(["true", "false"], calls.Select(p => p.Parameters["ProtectedFromScaleIn"]));
        Assert.All(calls, p => Assert.Equal("i-self", p.Parameters["InstanceIds.member.1"]));
        Assert.All(calls, p => Assert.Equal("square-asg", p.Parameters["AutoScalingGroupName"]));
        Assert.All(calls, p => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTWORKER/", p.Authorization, StringComparison.Ordinal));
        Assert.All(calls, p => Assert.Contains("/eu-west-1/autoscaling/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=", p.Authorization, StringComparison.Ordinal));
        Assert.True(calls[0].At < replied && calls[1].At >= replied.AddMilliseconds(-50));
        Assert.Empty(aws.Of("TerminateInstanceInAutoScalingGroup"));
    }

    [Fact]
    public async Task Cooldown_GroupAboveInFlightPlusSpare_TerminatesOnceAfterItsOwnIdleness()
    {
        using var aws = new FakeAws { InService = 3 };
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "cool", server.Port, cooldown: 2, spare: 1));
        await worker.WaitForOutputAsync("serving cool", Limit);
        // Keep it busy past its first cooldown: idleness counts from its last invocation, not from its start.
        await Task.Delay(1500);
        // The invocation ends no earlier than 1 s after it is pushed; measured from here, not from when this test sees the
        // reply, so that a slow machine cannot make a correct worker look early.
        var lastInvocationEnded = DateTimeOffset.UtcNow.AddSeconds(1);
        await PushAsync(c, "cool", Message("c0", """{"x":1,"sleepMs":1000}""", "cool:replies"));
        await RepliesAsync(c, "cool:replies", 1, Limit);

        Assert.Equal(0, await worker.WaitAsync(Limit));

        var terminate = Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup"));
        Assert.Equal("i-self", terminate.Parameters["InstanceId"]);
        Assert.Equal("true", terminate.Parameters["ShouldDecrementDesiredCapacity"]);
        Assert.True(terminate.At - lastInvocationEnded >= TimeSpan.FromSeconds(1.9), $"terminated {terminate.At - lastInvocationEnded} after its last invocation");
        // Read twice before acting (the confirmation), and the hook completed afterwards.
        Assert.True(aws.Of("DescribeAutoScalingGroups").Count(d => d.At <= terminate.At) >= 2);
        var complete = Assert.Single(aws.Of("CompleteLifecycleAction"));
        Assert.Equal(FakeAws.Hook, complete.Parameters["LifecycleHookName"]);
        Assert.Equal("CONTINUE", complete.Parameters["LifecycleActionResult"]);
        Assert.Equal("i-self", complete.Parameters["InstanceId"]);
        Assert.True(complete.At > terminate.At);
    }

    [Fact]
    public async Task Cooldown_GroupAtInFlightPlusSpare_Stays()
    {
        using var aws = new FakeAws { InService = 2 };
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "floor", server.Port, cooldown: 1, spare: 1));
        await worker.WaitForOutputAsync("serving floor", Limit);
        // A busy peer holds one item (with its lease): in flight 1 + spare 1 = the 2 in service.
        const string held = "held by a busy peer";
        var lease = "floor:processing:lease:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(held)));
        await c.CommandAsync(CancellationToken.None, "SET", lease, "peer", "PX", "60000");
        await c.CommandAsync(CancellationToken.None, "LPUSH", "floor:processing", held);

        await UntilAsync(() => Task.FromResult(aws.Of("DescribeAutoScalingGroups").Count >= 2), Limit, "two cooldown checks");

        Assert.Empty(aws.Of("TerminateInstanceInAutoScalingGroup"));
        Assert.False(worker.Exited);
        aws.InService = 3;
        Assert.Equal(0, await worker.WaitAsync(Limit));
        Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup"));
    }

    [Fact]
    public async Task LifecycleHook_TerminatingMidInvocation_FinishesCompletesAndTakesNoMore()
    {
        using var aws = new FakeAws();
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "hook", server.Port, cooldown: 600, spare: 0));
        await worker.WaitForOutputAsync("serving hook", Limit);
        await PushAsync(c, "hook", Message("h0", """{"x":9,"sleepMs":2500}""", "hook:replies"), Message("h1", """{"x":1}""", "hook:replies"));
        await UntilAsync(() => Task.FromResult(server.Invocations("\"x\":9") == 1), Limit, "h0 started");

        aws.LifecycleState = "Terminated";

        Assert.Equal(0, await worker.WaitAsync(Limit));
        var reply = Assert.Single(await RepliesAsync(c, "hook:replies", 1, Limit));
        Assert.Equal(81, reply.Output!.Value.GetProperty("y").GetInt32());
        Assert.Equal(1, await LengthAsync(c, "hook"));
        var complete = Assert.Single(aws.Of("CompleteLifecycleAction"));
        Assert.Equal(FakeAws.Hook, complete.Parameters["LifecycleHookName"]);
        // Kept alive while h0 finished (every timeoutSeconds / 3, at most 30 s).
        var beats = aws.Of("RecordLifecycleActionHeartbeat");
        Assert.NotEmpty(beats);
        Assert.All(beats, b => Assert.True(b.At < complete.At && b.Parameters["LifecycleHookName"] == FakeAws.Hook && b.Parameters["InstanceId"] == "i-self"));
        Assert.Equal("false", aws.Of("SetInstanceProtection").Last().Parameters["ProtectedFromScaleIn"]);
        Assert.Empty(aws.Of("TerminateInstanceInAutoScalingGroup"));
    }
}
