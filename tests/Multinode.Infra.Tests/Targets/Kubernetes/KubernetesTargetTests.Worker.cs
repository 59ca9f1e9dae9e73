using Multinode.Infra.Targets;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>The worker sidecar on Kubernetes: its container, the user's server beside it, and its RBAC.</summary>
public sealed partial class KubernetesTargetTests
{
    /// <summary>Name → value (or the fieldRef path for downward-API variables) of a container's env.</summary>
    private static List<(string, string)> EnvOf(PropertyValue container) =>
        [.. ((ArrayValue)((ObjectValue)container).Map["env"]).Items.Select(e => ((ObjectValue)e).Map).Select(e => (
            ((StringValue)e["name"]).Value,
            e.TryGetValue("value", out var v) ? ((StringValue)v).Value
                : e["valueFrom"].Find("fieldRef.fieldPath") is StringValue f ? "field:" + f.Value
                : "secret:" + ((StringValue)e["valueFrom"].At("secretKeyRef.name")).Value))];

    [Fact]
    public void Plan_Function_WorkerContainerBesideTheUsersWithTheQueueSettings()
    {
        var deployment = Plan(Workload(FunctionKind.Instance, "square", Json(Function).With("port", 9000))).OfType(Deployment);
        var worker = Assert.Single(((ArrayValue)deployment.Pod("containers")).Items);
        var user = Assert.Single(((ArrayValue)deployment.Pod("initContainers")).Items);
        Assert.Equal("multinode-worker", ((StringValue)worker.At("name")).Value);
        Assert.Equal("ghcr.io/multinode/multinode-worker:0.1.0", ((StringValue)worker.At("image")).Value);
        Assert.Equal(
        [
            ("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "square"), ("MULTINODE_PLATFORM", "kubernetes"),
            ("MULTINODE_TIMEOUT_SECONDS", "120"), ("MULTINODE_PORT", "9000"), ("MULTINODE_SPARE_WORKERS", "2"), ("MULTINODE_COOLDOWN_SECONDS", "300"),
            ("MULTINODE_QUEUE_KIND", "redis"), ("MULTINODE_QUEUE", "multinode:default:square"), ("MULTINODE_QUEUE_PROCESSING", "multinode:default:square:processing"),
            ("MULTINODE_REDIS_ADDRESS", "redis:6379"),
            ("MULTINODE_POD_NAME", "field:metadata.name"), ("MULTINODE_POD_NAMESPACE", "field:metadata.namespace"),
        ], EnvOf(worker));
        // Requests = limits for the worker too, so the pod keeps Guaranteed QoS.
        Assert.Equal(worker.At("resources.limits"), worker.At("resources.requests"));
        Assert.Equal(PropertyValue.From(true), worker.At("securityContext.readOnlyRootFilesystem"));
        // The user's server: no queue settings, its port, ready when the port accepts connections.
        Assert.Equal([("MULTINODE_WORKLOAD", "square"), ("MULTINODE_TIMEOUT_SECONDS", "120"), ("MULTINODE_PORT", "9000")], EnvOf(user));
        Assert.Equal(9000, ((NumberValue)deployment.User("ports[0].containerPort")).Value);
        Assert.Equal("http", ((StringValue)deployment.User("readinessProbe.tcpSocket.port")).Value);
    }

    [Fact]
    public void Plan_FunctionOnSqsWithPassword_QueueCredentialsGoToTheWorkerOnly()
    {
        var config = Config("""{ "serviceAccountName": "workers", "queue": { "kind": "aws-sqs", "region": "eu-west-1", "accountId": "123456789012" } }""");
        var deployment = Plan(Workload(FunctionKind.Instance, "square", Function), config).OfType(Deployment);
        var worker = EnvOf(deployment.Pod("containers[0]"));
        Assert.Contains(("MULTINODE_QUEUE_KIND", "aws-sqs"), worker);
        Assert.Contains(("MULTINODE_QUEUE", "https://sqs.eu-west-1.amazonaws.com/123456789012/square"), worker);
        Assert.Contains(("AWS_REGION", "eu-west-1"), worker);
        Assert.DoesNotContain(EnvOf(deployment.Pod("initContainers[0]")), e => e.Item1.StartsWith("MULTINODE_QUEUE", StringComparison.Ordinal));

        var redis = Config("""{ "queue": { "passwordSecret": { "name": "redis" } } }""");
        var pods = Plan(Workload(FunctionKind.Instance, "square", Function), redis).OfType(Deployment);
        Assert.Contains(("MULTINODE_REDIS_PASSWORD", "secret:redis"), EnvOf(pods.Pod("containers[0]")));
        Assert.DoesNotContain(EnvOf(pods.Pod("initContainers[0]")), e => e.Item1 == "MULTINODE_REDIS_PASSWORD");
    }

    [Fact]
    public void Plan_Job_UsersServerIsANativeSidecarAndTheWorkerTheMainContainer()
    {
        var job = Plan(Workload(JobKind.Instance, "transcode", Job)).OfType(Keda.ScaledJobType);
        var init = Assert.Single(((ArrayValue)job.Pod("initContainers")).Items);
        Assert.Equal("transcode", ((StringValue)init.At("name")).Value);
        Assert.Equal("Always", ((StringValue)init.At("restartPolicy")).Value);
        Assert.Equal(PropertyValue.Strings(["--fast"]), init.At("args"));
        var worker = Assert.Single(((ArrayValue)job.Pod("containers")).Items);
        Assert.Equal("multinode-worker", ((StringValue)worker.At("name")).Value);
        Assert.Contains(("MULTINODE_MESSAGE_WAIT_SECONDS", "120"), EnvOf(worker));
        Assert.Contains(("MULTINODE_KIND", "job"), EnvOf(worker));
        Assert.DoesNotContain(EnvOf(worker), e => e.Item1 == "MULTINODE_COOLDOWN_SECONDS");
        Assert.Equal("Never", ((StringValue)job.Pod("restartPolicy")).Value);
    }

    /// <summary>Issue 22 item 7. Expectation from the Kubernetes docs' ordering rules (<see cref="PodLifecycle"/>):
    /// on pod termination the user's server gets SIGTERM only after the worker has fully terminated, so the
    /// invocation in hand is answered by a server that is still up; at start the worker waits for the server's
    /// startup probe on the port it calls.</summary>
    [Fact]
    public void Plan_FunctionAndJob_ServerStartsBeforeAndStopsAfterTheWorker()
    {
        foreach (var (kind, name, json) in OneOfEach().Where(w => w.Kind is FunctionKind or JobKind))
        {
            var pods = Plan(Workload(kind, name, Json(json).With("port", 9000))).Workers();
            var spec = pods.At(pods.PodSpecPath());
            var stop = PodLifecycle.TerminationStages(spec);
            Assert.True(PodLifecycle.StageOf(stop, name) > PodLifecycle.StageOf(stop, WorkerSidecar.ContainerName),
                $"{kind}: the user's server must get SIGTERM after the worker has terminated");
            Assert.Equal(0, PodLifecycle.StageOf(stop, WorkerSidecar.ContainerName));
            var start = PodLifecycle.StartStages(spec);
            var server = Assert.Single(start[PodLifecycle.StageOf(start, name)]);
            Assert.True(PodLifecycle.StageOf(start, name) < PodLifecycle.StageOf(start, WorkerSidecar.ContainerName),
                $"{kind}: the worker must start after the user's server");
            // Started means the probe connected to the port the worker posts to (MULTINODE_PORT).
            Assert.Equal("http", ((StringValue)server.StartupProbe!.At("tcpSocket.port")).Value);
            Assert.Equal(9000, ((NumberValue)server.Spec.At("ports[0].containerPort")).Value);
            Assert.Contains(("MULTINODE_PORT", "9000"), EnvOf(pods.Pod("containers[0]")));
            Assert.Equal(PodTemplates.ServerStartupSeconds,
                ((NumberValue)server.StartupProbe!.At("periodSeconds")).Value * ((NumberValue)server.StartupProbe!.At("failureThreshold")).Value);
        }
    }

    [Fact]
    public void PodLifecycle_WithoutSidecars_SignalsEveryContainerAtOnce()
    {
        // Guards the model: two plain containers are one termination stage (docs: "arbitrary order").
        var spec = PropertyValue.From(new PropertyMap(("containers", PropertyValue.From([
            PropertyValue.From(new PropertyMap(("name", "server"))), PropertyValue.From(new PropertyMap(("name", "worker")))]))));
        Assert.Equal(PodLifecycle.StageOf(PodLifecycle.TerminationStages(spec), "server"),
            PodLifecycle.StageOf(PodLifecycle.TerminationStages(spec), "worker"));
    }

    [Fact]
    public void Plan_FunctionAndJob_WorkerAloneGetsTheServiceAccountToken()
    {
        foreach (var (kind, name, json) in OneOfEach().Where(w => w.Kind is FunctionKind or JobKind))
        {
            var plan = Plan(Workload(kind, name, json));
            var pods = plan.Workers();
            Assert.Equal($"{name}-worker", ((StringValue)pods.Pod("serviceAccountName")).Value);
            Assert.Equal(PropertyValue.From(false), pods.Pod("automountServiceAccountToken"));
            var worker = ((ArrayValue)pods.Pod("containers")).Items.Single(c => c.Find("name") is StringValue { Value: "multinode-worker" });
            Assert.Equal(PropertyValue.From(PodTemplates.TokenPath), worker.At("volumeMounts[0].mountPath"));
            var user = (ObjectValue)((ArrayValue)pods.Pod("initContainers")).Items[0];
            Assert.DoesNotContain(user.Find("volumeMounts") is ArrayValue mounts ? mounts.Items : [],
                m => m.Find("mountPath") is StringValue { Value: PodTemplates.TokenPath });
            Assert.Contains($"{name}-worker", pods.DependsOn);
            Assert.Contains($"{name}-worker-binding", pods.DependsOn);
        }
    }

    [Fact]
    public void Plan_FunctionAndJob_RbacAllowsPatchOfPodsInTheNamespaceOnly()
    {
        var config = Config("""{ "namespace": "team-a" }""");
        var plan = Plan(Workload(FunctionKind.Instance, "square", Function), config);
        var account = plan.OfType(KubernetesTarget.ServiceAccountType);
        Assert.Equal("square-worker", account.Text("metadata.name"));
        Assert.Equal("team-a", account.Text("metadata.namespace"));
        var role = plan.OfType(KubernetesTarget.RoleType);
        Assert.Equal(
            PropertyValue.From([PropertyValue.From(new PropertyMap(
                ("apiGroups", PropertyValue.Strings([""])), ("resources", PropertyValue.Strings(["pods"])), ("verbs", PropertyValue.Strings(["patch"]))))]),
            role.At("rules"));
        var binding = plan.OfType(KubernetesTarget.RoleBindingType);
        Assert.Equal(new PropertyMap(("apiGroup", "rbac.authorization.k8s.io"), ("kind", "Role"), ("name", "square-worker")), ((ObjectValue)binding.At("roleRef")).Map);
        Assert.Equal(new PropertyMap(("kind", "ServiceAccount"), ("name", "square-worker"), ("namespace", "team-a")), ((ObjectValue)binding.At("subjects[0]")).Map);
        Assert.Contains("roleRef", binding.Options.ReplaceOnChanges);
        Assert.Equal(["square-worker", "square-worker-role"], binding.DependsOn);
    }

    [Fact]
    public void Plan_ConfiguredServiceAccount_IsBoundInsteadOfANewOne()
    {
        var plan = Plan(Workload(JobKind.Instance, "transcode", Job), Config("""{ "serviceAccountName": "workers" }"""));
        Assert.DoesNotContain(plan.Resources, r => r.Type == KubernetesTarget.ServiceAccountType);
        Assert.Equal("workers", plan.OfType(KubernetesTarget.RoleBindingType).Text("subjects[0].name"));
        Assert.Equal("workers", ((StringValue)plan.Workers().Pod("serviceAccountName")).Value);
    }

    [Fact]
    public void Plan_KindsWithoutQueue_RunTheUsersContainerAloneWithoutRbac()
    {
        foreach (var (kind, name, json) in OneOfEach().Where(w => w.Kind is not (FunctionKind or JobKind)))
        {
            var plan = Plan(Workload(kind, name, json));
            Assert.Single(((ArrayValue)plan.Workers().Pod("containers")).Items);
            Assert.DoesNotContain(plan.Resources, r => r.Type is KubernetesTarget.ServiceAccountType or KubernetesTarget.RoleType or KubernetesTarget.RoleBindingType);
            Assert.Equal(PropertyValue.From(false), ((ObjectValue)plan.Workers().At(plan.Workers().PodSpecPath())).Map["automountServiceAccountToken"]);
        }
    }

    [Fact]
    public void Plan_WorkerImageConfigured_RunsThatImage()
    {
        var config = KubernetesPlans.Config() with { WorkerImage = "registry.example.com/mirror/multinode-worker:0.1.0" };
        var worker = Plan(Workload(FunctionKind.Instance, "square", Function), config).OfType(Deployment).Pod("containers[0].image");
        Assert.Equal(PropertyValue.From("registry.example.com/mirror/multinode-worker:0.1.0"), worker);
    }

    [Fact]
    public void Plan_FunctionNamedLikeTheWorkerContainer_Fails()
    {
        var result = Try(Workload(FunctionKind.Instance, "multinode-worker", Function));
        Assert.Equal(["""Function "multinode-worker": name = "multinode-worker" is the worker sidecar's container name in the same pod; choose another name"""],
            result.Failures.Select(f => f.ToString()));
        Assert.True(Try(Workload(DaemonKind.Instance, "multinode-worker", Daemon)).IsValid);
    }
}
