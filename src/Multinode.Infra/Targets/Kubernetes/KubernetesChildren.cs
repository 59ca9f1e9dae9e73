using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Multinode.Infra.Catalog;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using K8sJson = k8s.SourceGenerationContext;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>The children of one workload on Kubernetes, built in registration order, and what every kind shares:
/// object metadata, pod templates, the worker's identity, the env Secret, Deployments, the queue's triggers and the
/// plan's facts and cost. What each kind adds is in <see cref="KubernetesKinds"/>.</summary>
internal sealed class KubernetesChildren(Workload workload, KubernetesConfig config, string workerImage)
{
    /// <summary>Names are fixed, so a replacement must delete first. Which paths replace an object is the type's, in
    /// <see cref="KubernetesReplaceTable"/> (set by <see cref="Add"/>).</summary>
    public static readonly ResourceOptions Named = new() { DeleteBeforeReplace = true };

    private readonly KubernetesBody _body = new();
    private readonly List<PlannedResource> _resources = [];
    private readonly List<KeyValuePair<string, string>> _facts = [new("namespace", config.Namespace)];
    private readonly List<KeyValuePair<string, string>> _ignored = [];
    private string? _envSecret;

    public Workload Workload => workload;
    public KubernetesConfig Config => config;
    public KubernetesBody Body => _body;

    /// <summary>The Secret of the secret env values, when there is one; what pods wait for.</summary>
    public string? EnvSecretName => _envSecret;

    public string Name => workload.Name;

    /// <summary>A line of the plan's facts, in the order added.</summary>
    public void Fact(string key, string value) => _facts.Add(new(key, value));

    /// <summary>A setting of the workload this target does not use, said after the other facts.</summary>
    public void Ignored(string key, string why) => _ignored.Add(new(key, why));

    public string Add<T>(string type, string name, T body, JsonTypeInfo<T> json, ResourceOptions options, params string?[] after)
    {
        var inputs = _body.Inputs(body, json);
        // Outputs that echo a secret input stay secret, whatever the provider returns.
        var secretOutputs = options.AdditionalSecretOutputs
            .Concat(_body.HoldsSecret ? inputs.Where(e => e.Value.ContainsSecret).Select(e => e.Key) : [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        _resources.Add(new PlannedResource(type, name, inputs, options with
        {
            AdditionalSecretOutputs = secretOutputs,
            ReplaceOnChanges = KubernetesReplaceRules.For(type),
            ImmutablePaths = KubernetesReplaceRules.ImmutableFor(type),
        })
        {
            ExtraDependsOn = [.. after.OfType<string>()],
        });
        return name;
    }

    /// <summary>Adds a KEDA object: its type and serializer follow from its spec.</summary>
    public string AddKeda<TSpec>(string name, KedaObject<TSpec> body, ResourceOptions options, params string?[] after) where TSpec : IKedaSpec =>
        Add(Keda.TypeOf<TSpec>(), name, body, Keda.Json<TSpec>(), options, after);

    public V1ObjectMeta Metadata(string? name = null) => PodTemplates.Metadata(workload, config, _body, name);

    public V1PodTemplateSpec Pod(string restartPolicy, IEnumerable<V1EnvVar>? env = null, Action<V1PodSpec, V1Container>? shape = null) =>
        PodTemplates.Template(workload, config, _body, env ?? [], restartPolicy, shape);

    /// <summary>A queue workload's pod: the user's server as a native sidecar serving on its port, and the worker as
    /// the main container with the queue's settings and the kind's (<see cref="PodTemplates.AddWorker"/>).</summary>
    public V1PodTemplateSpec WorkerPod(string restartPolicy, QueueTriggers queue, WorkerIdentity identity,
        IReadOnlyList<(string Name, string Value)> kindEnv) =>
        Pod(restartPolicy,
            [new V1EnvVar { Name = "MULTINODE_PORT", Value = WorkerSidecar.Port(workload)!.Value.ToString(CultureInfo.InvariantCulture) }],
            (pod, user) => PodTemplates.AddWorker(pod, user, workload, queue.WorkerEnv, kindEnv, workerImage, identity.ServiceAccount));

    /// <summary>The worker's identity: the configured service account or one of its own, allowed exactly what the
    /// worker does with the API, patch its own pod (the deletion cost). RBAC cannot name the pod (pod names are
    /// generated), so the Role allows patching pods in the namespace and <see cref="WorkerGuard"/>'s admission
    /// policy refuses any change but the worker's own pod's deletion cost.</summary>
    public WorkerIdentity WorkerRbac()
    {
        var name = $"{Name}-worker";
        string? account = null;
        if (config.ServiceAccountName is null)
            account = Add(KubernetesTarget.ServiceAccountType, name, new V1ServiceAccount
            {
                ApiVersion = "v1",
                Kind = "ServiceAccount",
                Metadata = Metadata(name),
                // Pods of this account mount its token only where asked (the worker's projected volume).
                AutomountServiceAccountToken = false,
            }, K8sJson.Default.V1ServiceAccount, Named);
        var serviceAccount = config.ServiceAccountName ?? name;
        // The guard exists before the Role grants anything, and before any pod of the workload runs.
        var guardName = WorkerGuard.ObjectName(config.Namespace, Name);
        var policy = Add(KubernetesTarget.PolicyType, $"{name}-policy",
            WorkerGuard.Policy(ClusterMetadata(guardName), config.Namespace, serviceAccount),
            K8sJson.Default.V1ValidatingAdmissionPolicy, Named);
        var guard = Add(KubernetesTarget.PolicyBindingType, $"{name}-policy-binding",
            WorkerGuard.Binding(ClusterMetadata(guardName), config.Namespace, guardName),
            K8sJson.Default.V1ValidatingAdmissionPolicyBinding, Named, policy);
        var role = Add(KubernetesTarget.RoleType, $"{name}-role", new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "Role",
            Metadata = Metadata(name),
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["patch"] }],
        }, K8sJson.Default.V1Role, Named, guard);
        var binding = Add(KubernetesTarget.RoleBindingType, $"{name}-binding", new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = Metadata(name),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = config.Namespace }],
        }, K8sJson.Default.V1RoleBinding, Named, account, role);
        _facts.Add(new("worker", $"{workerImage} as service account {serviceAccount} (pods: patch, its own pod's deletion cost only)"));
        return new WorkerIdentity(serviceAccount, [.. new[] { account, guard, binding }.OfType<string>()]);
    }

    /// <summary>Metadata of a cluster-scoped object (no namespace).</summary>
    private V1ObjectMeta ClusterMetadata(string name)
    {
        var metadata = Metadata(name);
        metadata.NamespaceProperty = null;
        return metadata;
    }

    /// <summary>With <c>networkPolicy</c> on, the workload's NetworkPolicy (<see cref="NetworkPolicies"/>).</summary>
    public void NetworkPolicy(int? ingressPort, bool worker)
    {
        if (!config.NetworkPolicy) return;
        Add(NetworkPolicies.Type, $"{Name}-network-policy",
            NetworkPolicies.Policy(Metadata(), PodTemplates.Selector(workload), config, ingressPort, worker),
            K8sJson.Default.V1NetworkPolicy, Named);
        _facts.Add(new("network policy", NetworkPolicies.Description(config, ingressPort, worker)));
    }

    public void EnvSecret()
    {
        if (PodTemplates.EnvSecret(workload, config, _body) is not { } secret) return;
        _envSecret = Add("kubernetes:core/v1:Secret", $"{Name}-env", secret, K8sJson.Default.V1Secret,
            Named with { AdditionalSecretOutputs = ["data", "stringData"] });
    }

    /// <summary>A Deployment; <paramref name="replicas"/> is left out when an autoscaler owns it, so that an
    /// update never resets the scale the autoscaler chose.</summary>
    public string Deployment(V1PodTemplateSpec template, int? replicas, V1DeploymentStrategy? strategy, params string[] after) =>
        Add("kubernetes:apps/v1:Deployment", Name, new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(workload) },
                Strategy = strategy,
                Template = template,
            },
        }, K8sJson.Default.V1Deployment, Named, [_envSecret, .. after]);

    public QueueTriggers Queue()
    {
        var queue = QueueTriggers.For(workload, config, _body);
        _facts.Add(new("queue", queue.Description));
        return queue;
    }

    public string? QueueAuthentication(QueueTriggers queue) =>
        queue.Authentication is { } auth
            ? AddKeda(QueueTriggers.AuthenticationName(workload), auth, Named)
            : null;

    public WorkloadPlan Finish(PropertyMap kindOutputs)
    {
        if (workload.Resources.Gpu is { } gpu)
            _facts.Add(new("GPU nodes", $"{config.GpuNodeLabel}={PodTemplates.Product(gpu.Type, config)}, {PodTemplates.GpuResource} x{gpu.Count.ToString(CultureInfo.InvariantCulture)}"));
        if (workload.Container.InstanceTypes.Count > 0)
            _facts.Add(new("instanceTypes", "ignored on Kubernetes (AWS only); nodes are chosen by the scheduler"));
        _facts.AddRange(_ignored);
        var outputs = new PropertyMap([
            KeyValuePair.Create("children", PropertyValue.Strings(_resources.Select(r => r.Name))),
            .. kindOutputs,
        ]);
        // Cost by the nodes the requests need at maximum scale (assumption stated in KubernetesTarget.PricingNote).
        decimal? cost = null, perWorker = null;
        if (NodePacking.Cheapest(InstanceCatalog.Default, workload.Resources, workload.MaxWorkers) is { } nodes)
        {
            _facts.Add(new("nodes at maximum scale",
                $"{nodes.Nodes.ToString(CultureInfo.InvariantCulture)} × {nodes.Type.Description}, {nodes.WorkersPerNode.ToString(CultureInfo.InvariantCulture)} worker{(nodes.WorkersPerNode == 1 ? "" : "s")} each, ≈ {Numbers.Dollars(nodes.NodePrice)} per node-hour"));
            cost = nodes.HourlyCost;
            perWorker = nodes.NodePrice / nodes.WorkersPerNode;
        }
        return new WorkloadPlan(workload, _resources, outputs,
            Summaries.AtMaximumScale(workload) with { Facts = _facts, MaxHourlyCost = cost, WorkerHourlyCost = perWorker });
    }
}

/// <summary>The service account worker pods run as, and the children that must exist before such a pod.</summary>
internal sealed record WorkerIdentity(string ServiceAccount, IReadOnlyList<string> Children);