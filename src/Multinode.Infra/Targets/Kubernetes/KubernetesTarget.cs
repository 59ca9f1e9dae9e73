using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Multinode.Infra.Catalog;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using K8sJson = k8s.SourceGenerationContext;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// Plans a workload as <c>kubernetes:*</c> children (docs/scaling.md explains each mapping):
/// Function → Deployment + KEDA ScaledObject; Job → KEDA ScaledJob; Service → Deployment + Service + HPA + PDB;
/// ScheduledTask → CronJob; Daemon → Deployment of one replica, strategy Recreate. A Secret carries secret env
/// values and a KEDA TriggerAuthentication the queue credentials, when there are any. Function and Job pods run the
/// worker sidecar, whose ServiceAccount (unless one is configured), Role and RoleBinding are children too.
/// </summary>
public sealed class KubernetesTarget : ITarget
{
    /// <summary>Changing one of these paths makes Kubernetes (or the upstream provider) replace the object rather
    /// than update it; a diff tool reads them. Names are fixed, so a replacement must delete first.</summary>
    private static readonly string[] Identity = ["metadata.name", "metadata.namespace"];

    private static readonly ResourceOptions Named = new() { ReplaceOnChanges = Identity, DeleteBeforeReplace = true };

    /// <summary>A Deployment's selector is immutable; the pod template, replicas and strategy are not.</summary>
    private static readonly ResourceOptions DeploymentOptions = Named with { ReplaceOnChanges = [.. Identity, "spec.selector"] };

    /// <summary>KEDA's default polling interval (the ScaledObject sets none).</summary>
    public const int KedaPollingSeconds = 30;

    /// <summary>The HPA controller's default sync period (kube-controller-manager).</summary>
    public const int HpaSyncSeconds = 15;

    /// <summary>A RoleBinding's roleRef is immutable.</summary>
    private static readonly ResourceOptions BindingOptions = Named with { ReplaceOnChanges = [.. Identity, "roleRef"] };

    public const string ServiceAccountType = "kubernetes:core/v1:ServiceAccount";
    public const string RoleType = "kubernetes:rbac.authorization.k8s.io/v1:Role";
    public const string RoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

    public Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config)
    {
        var failures = PodTemplates.Check(workload).Concat(CheckScaling(workload)).ToList();
        if (failures.Count > 0) return Result<WorkloadPlan>.Fail(failures);
        var plan = new WorkloadPlanner(workload, config.Kubernetes, config.WorkerImage);
        plan.EnvSecret();
        var outputs = workload switch
        {
            FunctionWorkload f => plan.Function(f),
            JobWorkload j => plan.Job(j),
            ServiceWorkload s => plan.Service(s),
            ScheduledTaskWorkload t => plan.ScheduledTask(t),
            DaemonWorkload d => plan.Daemon(d),
            _ => throw new ArgumentOutOfRangeException(nameof(workload)),
        };
        return Result<WorkloadPlan>.Ok(plan.Finish(outputs));
    }

    /// <summary>Kubernetes' own limit on what realises a Function's cooldown: the API server refuses an HPA whose
    /// scale-down stabilisation window is longer than an hour, so KEDA could never create it.</summary>
    private static IEnumerable<ValidationFailure> CheckScaling(Workload workload)
    {
        if (workload is FunctionWorkload { CooldownPeriod: > Keda.MaxStabilizationWindowSeconds } f)
            yield return new ValidationFailure(workload.Label, "cooldownPeriod",
                $"cooldownPeriod = {f.CooldownPeriod} is above the limit of {Keda.MaxStabilizationWindowSeconds} on Kubernetes, " +
                $"where it is the HPA's behavior.scaleDown.stabilizationWindowSeconds (at most {Keda.MaxStabilizationWindowSeconds})");
    }

    /// <summary>The children of one workload, built in registration order.</summary>
    private sealed class WorkloadPlanner(Workload workload, KubernetesConfig config, string workerImage)
    {
        private readonly KubernetesBody _body = new();
        private readonly List<PlannedResource> _resources = [];
        private readonly List<KeyValuePair<string, string>> _facts = [new("namespace", config.Namespace)];
        private string? _envSecret;

        private string Name => workload.Name;

        private string Add<T>(string type, string name, T body, JsonTypeInfo<T> json, ResourceOptions options, params string?[] after)
        {
            var inputs = _body.Inputs(body, json);
            // Outputs that echo a secret input stay secret, whatever the provider returns.
            var secretOutputs = options.AdditionalSecretOutputs
                .Concat(inputs.Where(e => e.Value.ContainsSecret).Select(e => e.Key))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            _resources.Add(new PlannedResource(type, name, inputs, options with { AdditionalSecretOutputs = secretOutputs })
            {
                ExtraDependsOn = [.. after.OfType<string>()],
            });
            return name;
        }

        private V1ObjectMeta Metadata(string? name = null) => PodTemplates.Metadata(workload, config, _body, name);

        private V1PodTemplateSpec Pod(string restartPolicy, IEnumerable<V1EnvVar>? env = null, Action<V1PodSpec, V1Container>? shape = null) =>
            PodTemplates.Template(workload, config, _body, env ?? [], restartPolicy, shape);

        /// <summary>A Function's or Job's pod: the user's container serving on its port, and the worker sidecar with
        /// the queue's settings.</summary>
        private V1PodTemplateSpec WorkerPod(string restartPolicy, QueueTriggers queue, WorkerIdentity identity) =>
            Pod(restartPolicy,
                [new V1EnvVar { Name = "MULTINODE_PORT", Value = WorkerSidecar.Port(workload)!.Value.ToString(CultureInfo.InvariantCulture) }],
                (pod, user) => PodTemplates.AddWorker(pod, user, workload, queue.WorkerEnv, workerImage, identity.ServiceAccount));

        /// <summary>The worker's identity: the configured service account or one of its own, allowed exactly what the
        /// worker does with the API, get and patch pods in the namespace (its own pod's deletion cost). Pod names are
        /// generated, so the Role cannot name the worker's own pod.</summary>
        private WorkerIdentity WorkerRbac()
        {
            var name = $"{Name}-worker";
            string? account = null;
            if (config.ServiceAccountName is null)
                account = Add(ServiceAccountType, name, new V1ServiceAccount
                {
                    ApiVersion = "v1",
                    Kind = "ServiceAccount",
                    Metadata = Metadata(name),
                    // Pods of this account mount its token only where asked (the worker's projected volume).
                    AutomountServiceAccountToken = false,
                }, K8sJson.Default.V1ServiceAccount, Named);
            var role = Add(RoleType, $"{name}-role", new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = Metadata(name),
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "patch"] }],
            }, K8sJson.Default.V1Role, Named);
            var serviceAccount = config.ServiceAccountName ?? name;
            var binding = Add(RoleBindingType, $"{name}-binding", new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = Metadata(name),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = config.Namespace }],
            }, K8sJson.Default.V1RoleBinding, BindingOptions, account, role);
            _facts.Add(new("worker", $"{workerImage} as service account {serviceAccount} (pods: get, patch)"));
            return new WorkerIdentity(serviceAccount, [.. new[] { account, binding }.OfType<string>()]);
        }

        public void EnvSecret()
        {
            if (PodTemplates.EnvSecret(workload, config, _body) is not { } secret) return;
            _envSecret = Add("kubernetes:core/v1:Secret", $"{Name}-env", secret, K8sJson.Default.V1Secret,
                Named with { AdditionalSecretOutputs = ["data", "stringData"] });
        }

        /// <summary>A Deployment; <paramref name="replicas"/> is left out when an autoscaler owns it, so that an
        /// update never resets the scale the autoscaler chose.</summary>
        private string Deployment(V1PodTemplateSpec template, int? replicas, V1DeploymentStrategy? strategy, params string[] after) =>
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
            }, K8sJson.Default.V1Deployment, DeploymentOptions, [_envSecret, .. after]);

        private QueueTriggers Queue()
        {
            var queue = QueueTriggers.For(workload, config, _body);
            _facts.Add(new("queue", queue.Description));
            return queue;
        }

        private string? QueueAuthentication(QueueTriggers queue) =>
            queue.Authentication is { } auth
                ? Add(Keda.TriggerAuthenticationType, QueueTriggers.AuthenticationName(workload), auth, KedaJsonContext.Default.KedaTriggerAuthentication, Named)
                : null;

        public PropertyMap Function(FunctionWorkload f)
        {
            var queue = Queue();
            var auth = QueueAuthentication(queue);
            var identity = WorkerRbac();
            var deployment = Deployment(WorkerPod("Always", queue, identity), replicas: null, strategy: null, [.. identity.Children]);
            // desired = ceil((in-flight + spare) / 1), clamped to spare..maxWorkers by KEDA.
            var formula = f.SpareWorkers > 0 ? $"{queue.InFlight} + {f.SpareWorkers}" : queue.InFlight;
            Add(Keda.ScaledObjectType, $"{Name}-scaler", new KedaScaledObject
            {
                Metadata = Metadata(),
                Spec = new ScaledObjectSpec
                {
                    ScaleTargetRef = new ScaleTargetRef { ApiVersion = "apps/v1", Kind = "Deployment", Name = Name },
                    // Both clocks tick in steps (KEDA polls, the HPA syncs): the last step that saw the load can be
                    // one interval before the last invocation, so each window gets one interval more (docs/simulation.md).
                    CooldownPeriod = f.CooldownPeriod + KedaPollingSeconds,
                    MinReplicaCount = f.SpareWorkers,
                    MaxReplicaCount = f.MaxWorkers,
                    Advanced = new ScaledObjectAdvanced
                    {
                        // KEDA's cooldownPeriod only covers 1 -> 0; scale-in between 1 and N is the HPA's.
                        HorizontalPodAutoscalerConfig = new HorizontalPodAutoscalerConfig
                        {
                            Behavior = new V2HorizontalPodAutoscalerBehavior
                            {
                                ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = Math.Min(Keda.MaxStabilizationWindowSeconds, f.CooldownPeriod + HpaSyncSeconds) },
                            },
                        },
                        ScalingModifiers = new ScalingModifiers { Formula = formula, Target = "1", MetricType = "AverageValue" },
                    },
                    Triggers = queue.Triggers,
                },
            }, KedaJsonContext.Default.KedaScaledObject, Named, deployment, auth);
            _facts.Add(new("scaling", $"KEDA: desired = {formula}, {f.SpareWorkers}..{f.MaxWorkers} workers, scale-in after {f.CooldownPeriod}s below target"));
            return new PropertyMap(("queue", queue.Queue));
        }

        public PropertyMap Job(JobWorkload j)
        {
            var queue = Queue();
            var auth = QueueAuthentication(queue);
            var identity = WorkerRbac();
            Add(Keda.ScaledJobType, Name, new KedaScaledJob
            {
                Metadata = Metadata(),
                Spec = new ScaledJobSpec
                {
                    JobTargetRef = new V1JobSpec
                    {
                        Parallelism = 1,
                        Completions = 1,
                        // A failed execution is not rerun by Kubernetes: its message is redelivered by the queue.
                        BackoffLimit = 0,
                        // The worker's wait for its message, then the invocation (which the worker itself cuts at
                        // timeoutSeconds with an error reply).
                        ActiveDeadlineSeconds = WorkerSidecar.JobRunLimitSeconds(j),
                        Template = WorkerPod("Never", queue, identity),
                    },
                    MaxReplicaCount = j.MaxConcurrency,
                    // An update of the ScaledJob must not delete the Jobs that are running.
                    Rollout = new ScaledJobRollout { Strategy = "gradual" },
                    // "default": jobs to start = in-flight - running jobs, which is right when the metric counts the
                    // work the running jobs hold; "sum" adds Redis's two lists.
                    ScalingStrategy = new ScaledJobScalingStrategy { Strategy = "default", MultipleScalersCalculation = "sum" },
                    Triggers = queue.Triggers,
                },
            }, KedaJsonContext.Default.KedaScaledJob, Named, [_envSecret, auth, .. identity.Children]);
            _facts.Add(new("scaling", $"KEDA: one Job per message, at most {j.MaxConcurrency} at once"));
            return new PropertyMap(("queue", queue.Queue));
        }

        public PropertyMap Service(ServiceWorkload s)
        {
            var deployment = Deployment(Pod("Always", shape: (pod, container) =>
            {
                container.Ports = [new V1ContainerPort { Name = "http", ContainerPort = s.Port, Protocol = "TCP" }];
                container.ReadinessProbe = new V1Probe
                {
                    HttpGet = new V1HTTPGetAction { Path = s.HealthCheckPath, Port = "http" },
                    PeriodSeconds = 5,
                    FailureThreshold = 3,
                };
                // ScheduleAnyway: spread as evenly as the cluster allows, but never leave a replica pending on a
                // cluster with one zone or few nodes.
                pod.TopologySpreadConstraints =
                [
                    Spread("topology.kubernetes.io/zone"),
                    Spread("kubernetes.io/hostname"),
                ];
            }), replicas: null, strategy: new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
            });
            Add("kubernetes:core/v1:Service", $"{Name}-service", new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = Metadata(),
                Spec = new V1ServiceSpec
                {
                    Type = "ClusterIP",
                    Selector = PodTemplates.Selector(workload),
                    Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
                },
            }, K8sJson.Default.V1Service, Named);
            var utilization = (int)Math.Round(100 * s.TargetCpuUtilization, MidpointRounding.AwayFromZero);
            Add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", $"{Name}-hpa", new V2HorizontalPodAutoscaler
            {
                ApiVersion = "autoscaling/v2",
                Kind = "HorizontalPodAutoscaler",
                Metadata = Metadata(),
                Spec = new V2HorizontalPodAutoscalerSpec
                {
                    ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = Name },
                    MinReplicas = s.MinReplicas,
                    MaxReplicas = s.MaxReplicas,
                    Metrics =
                    [
                        new V2MetricSpec
                        {
                            Type = "Resource",
                            Resource = new V2ResourceMetricSource
                            {
                                Name = "cpu",
                                Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = utilization },
                            },
                        },
                    ],
                },
            }, K8sJson.Default.V2HorizontalPodAutoscaler, Named, deployment);
            Add("kubernetes:policy/v1:PodDisruptionBudget", $"{Name}-pdb", new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1",
                Kind = "PodDisruptionBudget",
                Metadata = Metadata(),
                Spec = new V1PodDisruptionBudgetSpec
                {
                    // One replica at a time may be evicted (node drains, upgrades); minAvailable would block drains
                    // of a single-replica service forever.
                    MaxUnavailable = 1,
                    Selector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(workload) },
                },
            }, K8sJson.Default.V1PodDisruptionBudget, Named);
            _facts.Add(new("scaling", $"HPA: {s.MinReplicas}..{s.MaxReplicas} replicas at {utilization}% average CPU"));
            return new PropertyMap(("endpoint", $"http://{Name}.{config.Namespace}.svc.cluster.local"));
        }

        private V1TopologySpreadConstraint Spread(string key) => new()
        {
            MaxSkew = 1,
            TopologyKey = key,
            WhenUnsatisfiable = "ScheduleAnyway",
            LabelSelector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(workload) },
        };

        public PropertyMap ScheduledTask(ScheduledTaskWorkload t)
        {
            Add("kubernetes:batch/v1:CronJob", Name, new V1CronJob
            {
                ApiVersion = "batch/v1",
                Kind = "CronJob",
                Metadata = Metadata(),
                Spec = new V1CronJobSpec
                {
                    Schedule = t.Schedule,
                    TimeZone = t.TimeZone,
                    // A run still going when the next one is due: the next one is skipped, never run beside it.
                    ConcurrencyPolicy = "Forbid",
                    JobTemplate = new V1JobTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = PodTemplates.Labels(workload, _body) },
                        Spec = new V1JobSpec
                        {
                            ActiveDeadlineSeconds = t.Container.TimeoutSeconds,
                            BackoffLimit = 0,
                            Template = Pod("Never"),
                        },
                    },
                },
            }, K8sJson.Default.V1CronJob, Named, _envSecret);
            var schedule = $"{t.Schedule} ({t.TimeZone})";
            _facts.Add(new("schedule", schedule));
            return new PropertyMap(("schedule", schedule));
        }

        public PropertyMap Daemon(DaemonWorkload d)
        {
            // Recreate: the old pod is gone before the new one starts, so an update never runs two at once.
            Deployment(Pod("Always"), replicas: 1, strategy: new V1DeploymentStrategy { Type = "Recreate" });
            return PropertyMap.Empty;
        }

        public WorkloadPlan Finish(PropertyMap kindOutputs)
        {
            if (workload.Resources.Gpu is { } gpu)
                _facts.Add(new("GPU nodes", $"{config.GpuNodeLabel}={PodTemplates.Product(gpu.Type, config)}, {PodTemplates.GpuResource} x{gpu.Count.ToString(CultureInfo.InvariantCulture)}"));
            if (workload.Container.InstanceTypes.Count > 0)
                _facts.Add(new("instanceTypes", "ignored on Kubernetes (AWS only); nodes are chosen by the scheduler"));
            if (workload is ServiceWorkload { CertificateArn: not null })
                _facts.Add(new("certificateArn", "ignored on Kubernetes (AWS only); the Service is reached inside the cluster, TLS is the ingress's"));
            var outputs = new PropertyMap([
                KeyValuePair.Create("children", PropertyValue.Strings(_resources.Select(r => r.Name))),
                .. kindOutputs,
            ]);
            // Cost by the nodes the requests need at maximum scale (assumption stated in NodePacking.PricingNote).
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
}

/// <summary>The service account worker pods run as, and the children that must exist before such a pod.</summary>
internal sealed record WorkerIdentity(string ServiceAccount, IReadOnlyList<string> Children);
