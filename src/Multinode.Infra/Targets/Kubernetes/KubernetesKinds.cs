using k8s.Models;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Targets.Kubernetes.KubernetesChildren;
using K8sJson = k8s.SourceGenerationContext;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// What each workload kind is on Kubernetes (docs/scaling.md explains each mapping): the Kubernetes target's table
/// of kind → mapping, the one file of the target that names the kinds. Function → Deployment + KEDA ScaledObject;
/// Job → KEDA ScaledJob; Service → Deployment + Service + HPA + PDB; ScheduledTask → CronJob; Daemon → Deployment of
/// one replica, strategy Recreate. Each mapping gives a <see cref="KubernetesShape"/>, and the children follow from the
/// shape alone. A kind without an entry (here, or added with <see cref="KubernetesTarget.With"/>) fails validation
/// ("target kubernetes does not plan kind X").
/// </summary>
internal static class KubernetesKinds
{
    public static readonly IReadOnlyDictionary<WorkloadKind, KubernetesMapping> Table =
        new Dictionary<WorkloadKind, KubernetesMapping>
    {
        [FunctionKind.Instance] = KubernetesMapping.Of<FunctionWorkload>(f =>
            new KubernetesShape.WarmPool(f.SpareWorkers, f.MaxWorkers, f.CooldownPeriod)) with
        {
            Check = w => w is FunctionWorkload f
                ? KubernetesShape.CheckCooldown(w, "cooldownPeriod", f.CooldownPeriod)
                : [],
        },
        [JobKind.Instance] = KubernetesMapping.Of<JobWorkload>(j =>
            new KubernetesShape.OneMessagePerJob(j.MaxConcurrency)),
        [ServiceKind.Instance] = KubernetesMapping.Of<ServiceWorkload>(s => new KubernetesShape.Replicas(
            s.MinReplicas, s.MaxReplicas, s.TargetCpuUtilization, s.Port, s.HealthCheckPath)
        {
            Ignored = ServiceIgnored(s),
        }),
        [ScheduledTaskKind.Instance] = KubernetesMapping.Of<ScheduledTaskWorkload>(t =>
            new KubernetesShape.Cron(t.Schedule, t.TimeZone)),
        [DaemonKind.Instance] = KubernetesMapping.Of<DaemonWorkload>(_ => new KubernetesShape.One()),
    };

    /// <summary>A Service's AWS-only inputs, each ignored on Kubernetes with the reason.</summary>
    private static List<(string Input, string Why)> ServiceIgnored(ServiceWorkload s)
    {
        var ignored = new List<(string Input, string Why)>();
        if (s.CertificateArn is not null)
            ignored.Add(("certificateArn", "ignored on Kubernetes (AWS only); the Service is reached inside the " +
                "cluster, TLS is the ingress's"));
        if (s.AccessLogBucket is not null)
            ignored.Add(("accessLogBucket", "ignored on Kubernetes (AWS only); the Service has no load balancer of " +
                "its own, access logs are the ingress's"));
        if (s.LoadBalancerSourceRanges is not null)
            ignored.Add(("loadBalancerSourceRanges", "ignored on Kubernetes (AWS only); the Service is reached inside " +
                "the cluster, a NetworkPolicy limits who reaches it"));
        return ignored;
    }

    /// <summary>Adds the children of <paramref name="shape"/> and returns the kind's own outputs.</summary>
    public static PropertyMap Plan(KubernetesChildren c, KubernetesShape shape)
    {
        var outputs = Children(c, shape);
        foreach (var (input, why) in shape.Ignored) c.Ignored(input, why);
        return outputs;
    }

    private static PropertyMap Children(KubernetesChildren c, KubernetesShape shape) => shape switch
    {
        KubernetesShape.WarmPool f => WarmPool(c, f),
        KubernetesShape.OneMessagePerJob j => OneMessagePerJob(c, j),
        KubernetesShape.Replicas s => Replicas(c, s),
        KubernetesShape.Cron t => Cron(c, t),
        KubernetesShape.One d => One(c, d),
        _ => throw new ArgumentException($"{c.Workload.Label}: no children for a {shape.GetType().Name}", nameof(shape)),
    };

    private static PropertyMap WarmPool(KubernetesChildren c, KubernetesShape.WarmPool f)
    {
        var queue = c.Queue();
        var auth = c.QueueAuthentication(queue);
        var identity = c.WorkerRbac();
        var deployment = c.Deployment(c.WorkerPod("Always", queue, identity, WorkerSidecar.WarmPoolEnv(f.Spare, f.CooldownSeconds)), replicas: null, strategy: null, [.. identity.Children]);
        // desired = ceil((in-flight + spare) / 1), clamped to spare..maxWorkers by KEDA.
        var formula = f.Spare > 0 ? $"{queue.InFlight} + {f.Spare}" : queue.InFlight;
        c.AddKeda($"{c.Name}-scaler", new KedaObject<ScaledObjectSpec>
        {
            Metadata = c.Metadata(),
            Spec = new ScaledObjectSpec
            {
                ScaleTargetRef = new ScaleTargetRef { ApiVersion = "apps/v1", Kind = "Deployment", Name = c.Name },
                // Both clocks tick in steps (KEDA polls, the HPA syncs): the last step that saw the load can be
                // one interval before the last invocation, so each window gets one interval more (docs/simulation.md).
                CooldownPeriod = f.CooldownSeconds + KubernetesTarget.KedaPollingSeconds,
                MinReplicaCount = f.Spare,
                MaxReplicaCount = f.Max,
                Advanced = new ScaledObjectAdvanced
                {
                    // KEDA's cooldownPeriod only covers 1 -> 0; scale-in between 1 and N is the HPA's.
                    HorizontalPodAutoscalerConfig = new HorizontalPodAutoscalerConfig
                    {
                        Behavior = new V2HorizontalPodAutoscalerBehavior
                        {
                            ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = Math.Min(Keda.MaxStabilizationWindowSeconds, f.CooldownSeconds + KubernetesTarget.HpaSyncSeconds) },
                        },
                    },
                    ScalingModifiers = new ScalingModifiers { Formula = formula, Target = "1", MetricType = "AverageValue" },
                },
                Triggers = queue.Triggers,
            },
        }, Named, deployment, auth);
        c.Fact("scaling", $"KEDA: desired = {formula}, {f.Spare}..{f.Max} workers, scale-in after {f.CooldownSeconds}s below target");
        c.NetworkPolicy(ingressPort: null, worker: true);
        return new PropertyMap(("queue", queue.Queue));
    }

    private static PropertyMap OneMessagePerJob(KubernetesChildren c, KubernetesShape.OneMessagePerJob j)
    {
        var queue = c.Queue();
        var auth = c.QueueAuthentication(queue);
        var identity = c.WorkerRbac();
        c.AddKeda(c.Name, new KedaObject<ScaledJobSpec>
        {
            Metadata = c.Metadata(),
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
                    ActiveDeadlineSeconds = WorkerSidecar.JobRunLimitSeconds(c.Workload),
                    Template = c.WorkerPod("Never", queue, identity, WorkerSidecar.OneMessageEnv),
                },
                MaxReplicaCount = j.Max,
                // An update of the ScaledJob must not delete the Jobs that are running.
                Rollout = new ScaledJobRollout { Strategy = "gradual" },
                // "default": jobs to start = in-flight - running jobs, which is right when the metric counts the
                // work the running jobs hold; "sum" adds Redis's two lists.
                ScalingStrategy = new ScaledJobScalingStrategy { Strategy = "default", MultipleScalersCalculation = "sum" },
                Triggers = queue.Triggers,
            },
        }, Named, [c.EnvSecretName, auth, .. identity.Children]);
        c.Fact("scaling", $"KEDA: one Job per message, at most {j.Max} at once");
        c.NetworkPolicy(ingressPort: null, worker: true);
        return new PropertyMap(("queue", queue.Queue));
    }

    private static PropertyMap Replicas(KubernetesChildren c, KubernetesShape.Replicas s)
    {
        var deployment = c.Deployment(c.Pod("Always", shape: (pod, container) =>
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
                Spread(c, "topology.kubernetes.io/zone"),
                Spread(c, "kubernetes.io/hostname"),
            ];
        }), replicas: null, strategy: new V1DeploymentStrategy
        {
            Type = "RollingUpdate",
            RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
        });
        c.Add("kubernetes:core/v1:Service", $"{c.Name}-service", new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = c.Metadata(),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = PodTemplates.Selector(c.Workload),
                Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" }],
            },
        }, K8sJson.Default.V1Service, Named);
        var utilization = (int)Math.Round(100 * s.TargetCpu, MidpointRounding.AwayFromZero);
        c.Add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", $"{c.Name}-hpa", new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = c.Metadata(),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = c.Name },
                MinReplicas = s.Min,
                MaxReplicas = s.Max,
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
        c.Add("kubernetes:policy/v1:PodDisruptionBudget", $"{c.Name}-pdb", new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = c.Metadata(),
            Spec = new V1PodDisruptionBudgetSpec
            {
                // One replica at a time may be evicted (node drains, upgrades); minAvailable would block drains
                // of a single-replica service forever.
                MaxUnavailable = 1,
                Selector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(c.Workload) },
            },
        }, K8sJson.Default.V1PodDisruptionBudget, Named);
        c.Fact("scaling", $"HPA: {s.Min}..{s.Max} replicas at {utilization}% average CPU");
        c.NetworkPolicy(ingressPort: s.Port, worker: false);
        return new PropertyMap(("endpoint", $"http://{c.Name}.{c.Config.Namespace}.svc.cluster.local"));
    }

    private static V1TopologySpreadConstraint Spread(KubernetesChildren c, string key) => new()
    {
        MaxSkew = 1,
        TopologyKey = key,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(c.Workload) },
    };

    private static PropertyMap Cron(KubernetesChildren c, KubernetesShape.Cron t)
    {
        c.Add("kubernetes:batch/v1:CronJob", c.Name, new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = c.Metadata(),
            Spec = new V1CronJobSpec
            {
                Schedule = t.Schedule,
                TimeZone = t.TimeZone,
                // A run still going when the next one is due: the next one is skipped, never run beside it.
                ConcurrencyPolicy = "Forbid",
                JobTemplate = new V1JobTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = PodTemplates.Labels(c.Workload, c.Body) },
                    Spec = new V1JobSpec
                    {
                        ActiveDeadlineSeconds = c.Workload.Container.TimeoutSeconds,
                        BackoffLimit = 0,
                        Template = c.Pod("Never"),
                    },
                },
            },
        }, K8sJson.Default.V1CronJob, Named, c.EnvSecretName);
        var schedule = $"{t.Schedule} ({t.TimeZone})";
        c.Fact("schedule", schedule);
        c.NetworkPolicy(ingressPort: null, worker: false);
        return new PropertyMap(("schedule", schedule));
    }

    private static PropertyMap One(KubernetesChildren c, KubernetesShape.One d)
    {
        // Recreate: the old pod is gone before the new one starts, so an update never runs two at once.
        c.Deployment(c.Pod("Always"), replicas: 1, strategy: new V1DeploymentStrategy { Type = "Recreate" });
        c.NetworkPolicy(ingressPort: null, worker: false);
        return PropertyMap.Empty;
    }
}

/// <summary>What one workload kind is on Kubernetes: the <see cref="KubernetesShape"/> of a workload's children, and
/// the kind's rules against Kubernetes' own limits (<see cref="Check"/>). An entry of the Kubernetes target's table
/// (<see cref="KubernetesKinds"/>, <see cref="KubernetesTarget.With"/>).</summary>
public sealed record KubernetesMapping(Func<Workload, KubernetesShape?> Shape) : IKindMapping
{
    public string Target => KubernetesTarget.TargetName;

    /// <summary>Failures of a workload of the kind on Kubernetes; none by default.</summary>
    public Func<Workload, IEnumerable<ValidationFailure>> Check { get; init; } = _ => [];

    /// <summary>The mapping of a kind whose record is <typeparamref name="TWorkload"/>: no shape (the kind is not
    /// planned) for a workload of another record.</summary>
    public static KubernetesMapping Of<TWorkload>(Func<TWorkload, KubernetesShape> shape) where TWorkload : Workload =>
        new(w => w is TWorkload workload ? shape(workload) : null);
}

/// <summary>Everything in which the kinds differ on Kubernetes: which objects realise a workload and their numbers.
/// The target plans from the shape and never reads the kind.</summary>
public abstract record KubernetesShape
{
    private KubernetesShape() { }

    /// <summary>Inputs the target does not use, with why (each a fact of the plan).</summary>
    public IReadOnlyList<(string Input, string Why)> Ignored { get; init; } = [];

    /// <summary>A warm pool fed by a queue: a Deployment of workers and a KEDA ScaledObject, desired =
    /// in-flight + <paramref name="Spare"/> within <paramref name="Spare"/>..<paramref name="Max"/>, scale-in after
    /// <paramref name="CooldownSeconds"/>. Kubernetes' own limit is checked (<see cref="CheckCooldown"/>).</summary>
    public sealed record WarmPool(int Spare, int Max, int CooldownSeconds) : KubernetesShape;

    /// <summary>One Job per message (a KEDA ScaledJob), at most <paramref name="Max"/> at once.</summary>
    public sealed record OneMessagePerJob(int Max) : KubernetesShape;

    /// <summary>Replicas behind a Service: a Deployment, a Service, an HPA on average CPU and a PDB.</summary>
    public sealed record Replicas(int Min, int Max, double TargetCpu, int Port, string HealthCheckPath)
        : KubernetesShape;

    /// <summary>One run per occurrence of a cron schedule: a CronJob.</summary>
    public sealed record Cron(string Schedule, string TimeZone) : KubernetesShape;

    /// <summary>Exactly one process: a Deployment of one replica, strategy Recreate.</summary>
    public sealed record One : KubernetesShape;

    /// <summary>Kubernetes' own limit on a warm pool: the API server refuses an HPA whose scale-down stabilisation
    /// window (the cooldown) is longer than an hour, so KEDA could never create it.</summary>
    public static IEnumerable<ValidationFailure> CheckCooldown(Workload workload, string input, int cooldownSeconds)
    {
        if (cooldownSeconds > Keda.MaxStabilizationWindowSeconds)
            yield return new ValidationFailure(workload.Label, input,
                $"{input} = {cooldownSeconds} is above the limit of {Keda.MaxStabilizationWindowSeconds} on Kubernetes, " +
                $"where it is the HPA's behavior.scaleDown.stabilizationWindowSeconds (at most {Keda.MaxStabilizationWindowSeconds})");
    }
}
