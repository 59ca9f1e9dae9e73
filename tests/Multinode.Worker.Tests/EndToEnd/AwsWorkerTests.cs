using System.Globalization;
using Multinode.Worker.Tests.Servers;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>AWS duties against <see cref="AutoScalingStandIn"/> (no Auto Scaling or IMDS emulator exists), with a
/// real redis-server as the queue and real worker processes.</summary>
public sealed class AwsWorkerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Dictionary<string, string?> AwsEnv(RedisServer redis, AutoScalingStandIn aws, string list, int port, int cooldown,
        int spare, string instance = "i-self", string kind = "function")
    {
        var env = RedisEnv(redis, list, port, timeoutSeconds: 5, kind: kind);
        env["MULTINODE_PLATFORM"] = "aws";
        env["AWS_REGION"] = "eu-west-1";
        env["AWS_ACCESS_KEY_ID"] = "AKIDTESTWORKER";
        env["AWS_SECRET_ACCESS_KEY"] = "secret";
        env["MULTINODE_INSTANCE_ID"] = instance;
        env["MULTINODE_GROUP"] = AutoScalingStandIn.GroupName;
        env["MULTINODE_AUTOSCALING_ENDPOINT"] = aws.Endpoint.ToString();
        env["MULTINODE_IMDS_ENDPOINT"] = aws.Imds(instance).ToString();
        env["MULTINODE_COOLDOWN_SECONDS"] = cooldown.ToString(CultureInfo.InvariantCulture);
        env["MULTINODE_SPARE_WORKERS"] = spare.ToString(CultureInfo.InvariantCulture);
        return env;
    }

    private static Task Until(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), Limit, what);

    [Fact]
    public async Task Protection_OnAtStart_KeptUntilCooldownAfterLastInvocation_SoAPolicyCannotRemoveIt()
    {
        using var aws = new AutoScalingStandIn("i-self");
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "prot", server.Port, cooldown: 3, spare: 0));
        await worker.WaitForOutputAsync("serving prot", Limit);
        // A freshly started worker has not idled for its cooldown yet: it protects itself before any work.
        await Until(() => aws.Instance("i-self").Protected, "protected at start");

        await PushAsync(c, "prot", Message("p0", """{"x":3,"sleepMs":300}""", "prot:replies"));
        await RepliesAsync(c, "prot:replies", 1, Limit);
        var ended = DateTimeOffset.UtcNow;
        // A pool-level scale-in right after the invocation: EC2 Auto Scaling lowers desired capacity but does not
        // terminate a protected instance (user guide, "Use instance scale-in protection").
        aws.SetDesired(0);
        Assert.Equal("InService", aws.Instance("i-self").State);
        await Until(() => aws.Of("SetInstanceProtection").Any(p => p.Parameters["ProtectedFromScaleIn"] == "false"), "protection off");

        var calls = aws.Of("SetInstanceProtection");
        Assert.Equal(["true", "false"], calls.Select(p => p.Parameters["ProtectedFromScaleIn"]));
        Assert.True(calls[1].At - ended >= TimeSpan.FromSeconds(2.9), $"protection dropped {calls[1].At - ended} after the last invocation");
        Assert.All(calls, p => Assert.Equal("i-self", p.Parameters["InstanceIds.member.1"]));
        Assert.All(calls, p => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDTESTWORKER/", p.Authorization, StringComparison.Ordinal));
        Assert.All(calls, p => Assert.Contains("/eu-west-1/autoscaling/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=",
            p.Authorization, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cooldown_GroupAboveInFlightPlusSpare_TerminatesOnceAfterItsOwnIdleness()
    {
        using var aws = new AutoScalingStandIn("i-self");
        aws.Add("i-peer1", isProtected: true);
        aws.Add("i-peer2", isProtected: true);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "cool", server.Port, cooldown: 2, spare: 1));
        await worker.WaitForOutputAsync("serving cool", Limit);
        var lastInvocationEnded = DateTimeOffset.UtcNow.AddSeconds(1);
        await PushAsync(c, "cool", Message("c0", """{"x":1,"sleepMs":1000}""", "cool:replies"));
        await RepliesAsync(c, "cool:replies", 1, Limit);

        Assert.Equal(0, await worker.WaitAsync(Limit));

        var terminate = Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup"));
        Assert.Equal("i-self", terminate.Parameters["InstanceId"]);
        Assert.Equal("true", terminate.Parameters["ShouldDecrementDesiredCapacity"]);
        Assert.True(terminate.At - lastInvocationEnded >= TimeSpan.FromSeconds(2.9), $"terminated {terminate.At - lastInvocationEnded} after its last invocation");
        var complete = Assert.Single(aws.Of("CompleteLifecycleAction"));
        Assert.Equal(AutoScalingStandIn.Hook, complete.Parameters["LifecycleHookName"]);
        Assert.Equal("CONTINUE", complete.Parameters["LifecycleActionResult"]);
        Assert.True(complete.At > terminate.At);
        Assert.Equal(2, aws.Desired);
        Assert.Equal("Terminated", aws.Instance("i-self").State);
    }

    [Fact]
    public async Task Cooldown_GroupAtInFlightPlusSpare_StaysUntilTheGroupGrows()
    {
        using var aws = new AutoScalingStandIn("i-self");
        aws.Add("i-peer1", isProtected: true);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        // A busy peer holds one item (with its lease): in flight 1 + spare 1 = the 2 in service.
        const string held = "held by a busy peer";
        var lease = "floor:processing:lease:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(held)));
        await c.CommandAsync(CancellationToken.None, "SET", lease, "peer", "PX", "60000");
        await c.CommandAsync(CancellationToken.None, "LPUSH", "floor:processing", held);
        using var worker = StartWorker(AwsEnv(redis, aws, "floor", server.Port, cooldown: 1, spare: 1));

        await worker.WaitForOutputAsync("2 in service, 1 in flight + 1 spare, desired 2, min 0: staying, not above in flight + spare", Limit);

        Assert.Empty(aws.Of("TerminateInstanceInAutoScalingGroup"));
        aws.Add("i-peer2", isProtected: true);
        Assert.Equal(0, await worker.WaitAsync(Limit));
        Assert.Equal("i-self", Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup")).Parameters["InstanceId"]);
    }

    [Fact]
    public async Task Cooldown_SixWorkersEndTogether_SettleAtExactlyInFlightPlusSpare_ThreeTrials()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        for (var trial = 0; trial < 3; trial++)
        {
            var ids = Enumerable.Range(0, 6).Select(i => $"i-{trial}{i}").ToArray();
            using var aws = new AutoScalingStandIn(ids);
            var list = $"together{trial}";
            var workers = ids.Select(id => StartWorker(AwsEnv(redis, aws, list, server.Port, cooldown: 4, spare: 2, instance: id))).ToList();
            try
            {
                foreach (var w in workers) await w.WaitForOutputAsync($"serving {list}", Limit);
                // Every invocation ends at the same millisecond, so all six cooldowns end together.
                var until = DateTimeOffset.UtcNow.AddMilliseconds(2500).ToUnixTimeMilliseconds();
                await PushAsync(c, list, [.. ids.Select((_, i) => Message($"t{i}", $$"""{"x":{{i}},"untilMs":{{until}}}""", $"{list}:replies"))]);
                await RepliesAsync(c, $"{list}:replies", 6, Limit);

                // Settled: four have ended, and each of the two left has looked afterwards and stayed.
                await Until(() => workers.Count(w => w.Exited) == 4, $"trial {trial}: four workers ended");
                var left = workers.Where(w => !w.Exited).ToList();
                await Until(() => left.All(w => w.Output.Contains("2 in service, 0 in flight + 2 spare, desired 2, min 0: staying",
                    StringComparison.Ordinal)), $"trial {trial}: the two left looked at the settled group");

                Assert.Equal(2, aws.InService());
                Assert.Equal(4, aws.Of("TerminateInstanceInAutoScalingGroup").Count);
                Assert.Equal(2, aws.Desired);
            }
            finally
            {
                workers.ForEach(w => w.Dispose());
            }
        }
    }

    [Fact]
    public async Task ScaleOut_Backlog_RaisesDesiredToInFlightPlusSpareBoundedByMaxSize_OnlyUpwards()
    {
        using var aws = new AutoScalingStandIn("i-self") { MaxSize = 6 };
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        var env = AwsEnv(redis, aws, "out", server.Port, cooldown: 600, spare: 2);
        env["MULTINODE_SCALE_OUT_SECONDS"] = "1";
        using var worker = StartWorker(env);
        await worker.WaitForOutputAsync("serving out", Limit);
        await PushAsync(c, "out", Message("o0", """{"x":1,"sleepMs":3000}""", "out:replies"), Message("o1", """{"x":1}""", "out:replies"));

        await Until(() => aws.Desired == 4, "desired raised to 2 in flight + 2 spare");
        await PushAsync(c, "out", [.. Enumerable.Range(2, 8).Select(i => Message($"o{i}", """{"x":1,"sleepMs":400}""", "out:replies"))]);
        await Until(() => aws.Desired == 6, "desired raised to MaxSize");
        await RepliesAsync(c, "out:replies", 10, Limit);
        await UntilAsync(async () => await LengthAsync(c, "out") + await LengthAsync(c, "out:processing") == 0, Limit, "drained");
        var raised = aws.Of("SetDesiredCapacity").Count;
        await Until(() => aws.Of("DescribeAutoScalingGroups").Count(d => d.At > DateTimeOffset.UtcNow) == 0
            && aws.Of("DescribeAutoScalingGroups").Count >= raised + 3, "more looks after the queue drained");

        var calls = aws.Of("SetDesiredCapacity");
        Assert.Equal([4, 6], calls.Select(p => int.Parse(p.Parameters["DesiredCapacity"], CultureInfo.InvariantCulture)));
        Assert.All(calls, p => Assert.Equal("false", p.Parameters["HonorCooldown"]));
        Assert.Equal(6, aws.Desired);
    }

    [Theory]
    [InlineData(2, "false")]
    [InlineData(0, "true")]
    public async Task Job_AfterItsExecution_EndsItsInstance_KeepingDesiredWhileExecutionsWait(int waiting, string decrement)
    {
        using var aws = new AutoScalingStandIn("i-self") { MinSize = 0 };
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        var list = $"jobs{waiting}";
        await PushAsync(c, list, [.. Enumerable.Range(0, waiting + 1).Select(i => Message($"j{i}", """{"x":2}""", $"{list}:replies"))]);
        using var worker = StartWorker(AwsEnv(redis, aws, list, server.Port, cooldown: 60, spare: 0, kind: "job"));

        Assert.Equal(0, await worker.WaitAsync(Limit));

        Assert.Single(await RepliesAsync(c, $"{list}:replies", 1, Limit));
        Assert.True(aws.Of("TerminateInstanceInAutoScalingGroup").Count() == 1, worker.Output);
        var terminate = Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup"));
        Assert.Equal(decrement, terminate.Parameters["ShouldDecrementDesiredCapacity"]);
        // Without decrement the group launches a replacement at once.
        Assert.Equal(decrement == "true" ? 0 : 1, aws.Desired);
        Assert.Single(aws.Of("CompleteLifecycleAction"));
    }

    [Fact]
    public async Task LifecycleHook_TerminatingMidInvocation_FinishesCompletesAndTakesNoMore_EvenWithProtectionFailing()
    {
        using var aws = new AutoScalingStandIn("i-self");
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "hook", server.Port, cooldown: 600, spare: 0));
        await worker.WaitForOutputAsync("serving hook", Limit);
        await PushAsync(c, "hook", Message("h0", """{"x":9,"sleepMs":2500}""", "hook:replies"), Message("h1", """{"x":1}""", "hook:replies"));
        await Until(() => server.Invocations("\"x\":9") == 1, "h0 started");

        aws.Faults["SetInstanceProtection"] = Fault.Error500;
        aws.StartTerminating("i-self");

        Assert.Equal(0, await worker.WaitAsync(Limit));
        var reply = Assert.Single(await RepliesAsync(c, "hook:replies", 1, Limit));
        Assert.Equal(81, reply.Output!.Value.GetProperty("y").GetInt32());
        Assert.Equal(1, await LengthAsync(c, "hook"));
        var complete = Assert.Single(aws.Of("CompleteLifecycleAction"));
        Assert.Equal(AutoScalingStandIn.Hook, complete.Parameters["LifecycleHookName"]);
        Assert.Equal("Terminated", aws.Instance("i-self").State);
        var beats = aws.Of("RecordLifecycleActionHeartbeat");
        Assert.NotEmpty(beats);
        Assert.All(beats, b => Assert.True(b.At < complete.At && b.Parameters["InstanceId"] == "i-self"));
        Assert.Empty(aws.Of("TerminateInstanceInAutoScalingGroup"));
    }

    [Fact]
    public async Task SpotInterruptionNotice_MidInvocation_FinishesAndTakesNoMore()
    {
        using var aws = new AutoScalingStandIn("i-self");
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        var env = AwsEnv(redis, aws, "spot", server.Port, cooldown: 600, spare: 0);
        env["MULTINODE_TIMEOUT_SECONDS"] = "30";
        using var worker = StartWorker(env);
        await worker.WaitForOutputAsync("serving spot", Limit);
        // Longer than the 5 s between two reads of the notice.
        await PushAsync(c, "spot", Message("s0", """{"x":4,"sleepMs":7000}""", "spot:replies"), Message("s1", """{"x":1}""", "spot:replies"));
        await Until(() => server.Invocations("\"x\":4") == 1, "s0 started");

        aws.Instance("i-self").SpotNotice = """{"action":"terminate","time":"2026-12-07T05:00:00Z"}""";

        Assert.Equal(0, await worker.WaitAsync(Limit));
        Assert.Equal(16, Assert.Single(await RepliesAsync(c, "spot:replies", 1, Limit)).Output!.Value.GetProperty("y").GetInt32());
        Assert.Equal(1, await LengthAsync(c, "spot"));
        Assert.Contains("Spot interruption notice", worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IMDS", Fault.Hang)]
    [InlineData("SetInstanceProtection", Fault.Hang)]
    [InlineData("DescribeAutoScalingGroups", Fault.Throttle)]
    public async Task PlatformCallHangsOrFails_MessagesStillAnswered(string action, Fault fault)
    {
        using var aws = new AutoScalingStandIn("i-self");
        aws.Faults[action] = fault;
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        var list = $"fault-{action}".ToLowerInvariant();
        using var worker = StartWorker(AwsEnv(redis, aws, list, server.Port, cooldown: 1, spare: 0));
        await worker.WaitForOutputAsync($"serving {list}", Limit);

        await PushAsync(c, list, [.. Enumerable.Range(0, 3).Select(i => Message($"f{i}", $$"""{"x":{{i}}}""", $"{list}:replies"))]);

        Assert.Equal(3, (await RepliesAsync(c, $"{list}:replies", 3, TimeSpan.FromSeconds(15))).Count);
        worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(Limit));
    }

    [Fact]
    public async Task Imds_OneWatcher_AfterManyInvocations_IdleRequestRateStaysLow()
    {
        using var aws = new AutoScalingStandIn("i-self");
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var c = await redis.ConnectAsync();
        using var worker = StartWorker(AwsEnv(redis, aws, "watch", server.Port, cooldown: 600, spare: 0));
        await worker.WaitForOutputAsync("serving watch", Limit);
        await PushAsync(c, "watch", [.. Enumerable.Range(0, 200).Select(i => Message($"w{i}", """{"x":1}""", "watch:replies"))]);
        await RepliesAsync(c, "watch:replies", 200, Limit);

        var from = DateTimeOffset.UtcNow;
        await Until(() => DateTimeOffset.UtcNow - from >= TimeSpan.FromSeconds(3) &&
            aws.Calls.Any(x => x.Action.StartsWith("IMDS", StringComparison.Ordinal) && x.At > from.AddSeconds(3)), "three idle seconds watched");

        var reads = aws.Calls.Count(x => x.Action.StartsWith("IMDS /latest/meta-data", StringComparison.Ordinal) && x.At > from && x.At <= from.AddSeconds(3));
        // One watcher: the lifecycle state each second and two notices every 5 s.
        Assert.InRange(reads, 2, 6);
    }

    [Fact]
    public async Task ImdsRefusesConnections_Reported_CooldownStillEndsTheInstanceAndCompletesTheHook()
    {
        using var aws = new AutoScalingStandIn("i-self");
        aws.Add("i-peer", isProtected: true);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        var env = AwsEnv(redis, aws, "noimds", server.Port, cooldown: 1, spare: 0);
        env["MULTINODE_IMDS_ENDPOINT"] = $"http://127.0.0.1:{Repo.FreePort()}/";
        using var worker = StartWorker(env);

        Assert.Equal(0, await worker.WaitAsync(Limit));

        Assert.Single(worker.Output.Split('\n'), l => l.Contains("IMDS unreachable", StringComparison.Ordinal));
        Assert.Single(aws.Of("TerminateInstanceInAutoScalingGroup"));
        Assert.Single(aws.Of("CompleteLifecycleAction"));
        Assert.Equal("Terminated", aws.Instance("i-self").State);
    }
}
