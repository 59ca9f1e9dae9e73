using System.Globalization;
using Multinode.Contracts;
using Multinode.Infra.Values;
using Multinode.Worker.Shared;
using Multinode.Worker.Tests.EndToEnd;
using Multinode.Worker.Tests.Servers;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.Contract;

/// <summary>Issue 23, "done when": a workload with any accepted timeoutSeconds (the least, a middle value, the
/// largest) starts a worker that takes work, on both targets. The environment is the one the plan deploys — the
/// <c>docker run</c> of the AWS boot script, the worker container of the Kubernetes pod spec — given to the real
/// worker binary; only what the platform fills in at run time (the queue's URL from the instance's tag, the
/// instance's id and group from IMDS, the role's credentials) and the endpoints of the local stand-ins are added.
/// The queue is a real redis-server, or sqslite for SQS (AWS's queue); Auto Scaling, IMDS and the Kubernetes API are
/// <see cref="AutoScalingStandIn"/>.</summary>
public sealed class RealWorkerTimeoutTests(RedisServer redis, SqsEmulator sqs)
    : IClassFixture<RedisServer>, IClassFixture<SqsEmulator>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private const string Instance = "i-self";

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var kind in PlannedWorkers.WorkerKinds)
            foreach (var target in new[] { "aws", "kubernetes-redis", "kubernetes-aws-sqs" })
                foreach (var timeout in new[] { 1, WorkerSettings.MaxTimeoutSeconds / 2, WorkerSettings.MaxTimeoutSeconds })
                    data.Add(kind.Name, target, timeout);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PlannedWorker_AtAnyAcceptedTimeout_TakesAMessageAndReplies(string kindName, string target,
        int timeoutSeconds)
    {
        using var api = new AutoScalingStandIn(Instance);
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        var kind = PlannedWorkers.Kinds.Named(kindName);
        var properties = new PropertyMap(("image", "ghcr.io/example/app:1.0"), ("timeoutSeconds", timeoutSeconds),
            ("port", server.Port));
        // The stand-in's group and drain hook are those of a workload named "square" ("square-asg", "square-drain").
        var env = PlannedWorkers.WorkerEnv(kind, properties, Planned(target), name: "square");
        Assert.Equal(timeoutSeconds.ToString(CultureInfo.InvariantCulture), env[WorkerEnv.TimeoutSeconds]);
        var id = $"{kindName}-{target}-{timeoutSeconds}".ToLowerInvariant();
        using var http = new HttpClient();
        var queue = target == "kubernetes-redis"
            ? new Queue(redis, env[WorkerEnv.Queue]!, null)
            : new Queue(redis, await sqs.Client(http).CreateQueueAsync(sqs.Endpoint, id, CancellationToken.None),
                sqs.Client(http));
        RunTime(env, target, queue, api);

        using var worker = StartWorker(env);
        var reply = await queue.InvokeAsync(id, id + "-replies");

        Assert.True(reply.Error is null && reply.Id == id, $"{reply.Id}: {reply.Error}\n{worker.Output}");
        Assert.Equal(16, reply.Output!.Value.GetProperty("y").GetInt32());
        if (kindName != "Job") worker.Signal(Child.SigTerm);
        Assert.Equal(0, await worker.WaitAsync(Limit));
    }

    private static PlannedWorkers.Target Planned(string target) => target switch
    {
        "aws" => PlannedWorkers.Aws,
        "kubernetes-redis" => PlannedWorkers.KubernetesRedis(password: false),
        _ => PlannedWorkers.KubernetesSqs,
    };

    /// <summary>Fills in what the platform gives the worker at run time, and the local stand-ins' endpoints; the
    /// values the platform fills in must already be named by the plan, and no planned value is replaced otherwise.
    /// </summary>
    private void RunTime(Dictionary<string, string?> env, string target, Queue queue, AutoScalingStandIn api)
    {
        void Fill(string name, string value)
        {
            Assert.True(env.ContainsKey(name), $"the plan does not give the worker {name}");
            env[name] = value;
        }

        void Add(string name, string value)
        {
            Assert.False(env.ContainsKey(name), $"the plan sets {name}, which the test would replace");
            env[name] = value;
        }

        if (target == "kubernetes-redis")
            Fill(WorkerEnv.RedisAddress, redis.Address);
        else
        {
            // The queue's URL: from the instance's tag on AWS, from the config's account and region on Kubernetes.
            Fill(WorkerEnv.Queue, queue.Name);
            Add(WorkerEnv.SqsEndpoint, sqs.Endpoint.ToString());
            // The instance role's (AWS) or the pod's IRSA role's (Kubernetes) credentials.
            Add("AWS_ACCESS_KEY_ID", "AKIDTESTWORKER");
            Add("AWS_SECRET_ACCESS_KEY", "secret");
        }
        if (target == "aws")
        {
            Fill(WorkerEnv.InstanceId, Instance);
            Fill(WorkerEnv.Group, AutoScalingStandIn.GroupName);
            Add(WorkerEnv.AutoScalingEndpoint, api.Endpoint.ToString());
            Add(WorkerEnv.ImdsEndpoint, api.Imds(Instance).ToString());
        }
        else
            // The stand-in speaks plain HTTP; in a pod the worker derives https://$KUBERNETES_SERVICE_HOST.
            Add(WorkerEnv.KubernetesApi, api.Endpoint.ToString());
    }

    /// <summary>The workload's queue as a producer sees it: a Redis list, or an SQS queue when
    /// <paramref name="Sqs"/> is given.</summary>
    private sealed record Queue(RedisServer Redis, string Name, SqsClient? Sqs)
    {
        public async Task<InvocationReply> InvokeAsync(string id, string replies)
        {
            if (Sqs is null)
            {
                using var c = await Redis.ConnectAsync();
                await PushAsync(c, Name, Message(id, """{"x":-4}""", replies));
                return Assert.Single(await RepliesAsync(c, replies, 1, Limit));
            }
            var replyQueue = await Sqs.CreateQueueAsync(new Uri(new Uri(Name).GetLeftPart(UriPartial.Authority)),
                replies, CancellationToken.None);
            await Sqs.SendAsync(Name, Message(id, """{"x":-4}""", replyQueue), CancellationToken.None);
            var until = DateTime.UtcNow + Limit;
            while (DateTime.UtcNow < until)
            {
                var received = await Sqs.ReceiveAsync(replyQueue, 1, TimeSpan.FromSeconds(1), null,
                    CancellationToken.None);
                if (received.Count > 0) return Messages.ReadReply(Assert.Single(received).Body);
            }
            throw new TimeoutException($"no reply on {replyQueue} within {Limit}");
        }
    }
}
