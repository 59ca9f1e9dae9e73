using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>The pod-deletion-cost patch, against a local stand-in for the API server.</summary>
public sealed class KubernetesWorkerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Invocation_PatchesOwnPodDeletionCostHigh()
    {
        using var api = new FakeAws();
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        var env = RedisEnv(redis, "pods", server.Port);
        env["MULTINODE_PLATFORM"] = "kubernetes";
        env["MULTINODE_POD_NAME"] = "square-7d9f-abcde";
        env["MULTINODE_POD_NAMESPACE"] = "demo";
        env["MULTINODE_KUBERNETES_API"] = api.Endpoint.ToString();
        using var worker = StartWorker(env);
        using var c = await redis.ConnectAsync();
        await PushAsync(c, "pods", Message("k0", """{"x":2}""", "pods:replies"));

        await RepliesAsync(c, "pods:replies", 1, TimeSpan.FromSeconds(30));

        var patch = Assert.Single(api.Calls);
        Assert.Equal("PATCH /api/v1/namespaces/demo/pods/square-7d9f-abcde", patch.Action);
        Assert.Equal("application/merge-patch+json", patch.Parameters["content-type"]);
        Assert.Equal("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"1000000"}}}""", patch.Parameters["body"]);
        worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
