using Multinode.Worker.Tests.Servers;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>The pod-deletion-cost patch, against a local stand-in for the API server.</summary>
public sealed class KubernetesWorkerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static Dictionary<string, string?> Env(RedisServer redis, AutoScalingStandIn api, string list, int port)
    {
        var env = RedisEnv(redis, list, port);
        env["MULTINODE_PLATFORM"] = "kubernetes";
        env["MULTINODE_POD_NAME"] = "square-7d9f-abcde";
        env["MULTINODE_POD_NAMESPACE"] = "demo";
        env["MULTINODE_KUBERNETES_API"] = api.Endpoint.ToString();
        return env;
    }

    [Fact]
    public async Task Invocation_PatchesOwnPodDeletionCostHigh()
    {
        using var api = new AutoScalingStandIn();
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var worker = StartWorker(Env(redis, api, "pods", server.Port));
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "pods", Message("k0", """{"x":2}""", "pods:replies"));

        await RepliesAsync(c, "pods:replies", 1, TimeSpan.FromSeconds(30));
        await UntilAsync(() => Task.FromResult(!api.Calls.IsEmpty), TimeSpan.FromSeconds(30), "the patch");

        var patch = Assert.Single(api.Calls);
        Assert.Equal("PATCH /api/v1/namespaces/demo/pods/square-7d9f-abcde", patch.Action);
        Assert.Equal("application/merge-patch+json", patch.Parameters["content-type"]);
        Assert.Equal("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"1000000"}}}""", patch.Parameters["body"]);
        worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ApiServerHangs_InvocationNotDelayed()
    {
        using var api = new AutoScalingStandIn();
        api.Faults["PATCH"] = Fault.Hang;
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        using var worker = StartWorker(Env(redis, api, "hungapi", server.Port));
        await worker.WaitForOutputAsync("serving hungapi", TimeSpan.FromSeconds(30));
        using var c = await redis.ConnectAsync();
        var started = DateTimeOffset.UtcNow;
        await PushAsync(c, "hungapi", Message("k0", """{"x":2}""", "hungapi:replies"));

        await RepliesAsync(c, "hungapi:replies", 1, TimeSpan.FromSeconds(30));

        // An invocation that waited for the hung patch would take at least the patch's own 5 s deadline.
        var patchDeadline = TimeSpan.FromSeconds(5);
        Assert.True(DateTimeOffset.UtcNow - started < patchDeadline, $"answered after {DateTimeOffset.UtcNow - started}");
        await UntilAsync(() => Task.FromResult(!api.Calls.IsEmpty), TimeSpan.FromSeconds(30), "the patch was attempted");
        worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(15)));
    }
}
