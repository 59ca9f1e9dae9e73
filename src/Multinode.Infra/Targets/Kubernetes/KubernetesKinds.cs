using k8s.Models;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Targets.Kubernetes.KubernetesChildren;
using K8sJson = k8s.SourceGenerationContext;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// What each workload kind is on Kubernetes (docs/scaling.md explains each mapping): the one file of the Kubernetes
/// target that names the kinds. Function → Deployment + KEDA ScaledObject; Job → KEDA ScaledJob; Service →
/// Deployment + Service + HPA + PDB; ScheduledTask → CronJob; Daemon → Deployment of one replica, strategy Recreate.
/// A kind without an entry fails validation ("target kubernetes does not plan kind X").
/// </summary>
internal static class KubernetesKinds
{
    /// <summary>Kubernetes' own limits on what realises a kind: the API server refuses an HPA whose scale-down
    /// stabilisation window (a Function's cooldown) is longer than an hour, so KEDA could never create it.</summary>
    public static IEnumerable<ValidationFailure> Check(Workload workload)
    {
        if (workload is FunctionWorkload { CooldownPeriod: > Keda.MaxStabilizationWindowSeconds } f)
            yield return new ValidationFailure(workload.Label, "cooldownPeriod",
                $"cooldownPeriod = {f.CooldownPeriod} is above the limit of {Keda.MaxStabilizationWindowSeconds} on Kubernetes, " +
                $"where it is the HPA's behavior.scaleDown.stabilizationWindowSeconds (at most {Keda.MaxStabilizationWindowSeconds})");
    }

    /// <summary>Adds the kind's children and returns its own outputs, or the failure of a kind the target does not plan.</summary>
    public static Result<PropertyMap> Plan(KubernetesChildren c) => c.Workload switch
    {
        FunctionWorkload f => Ok(Function(c, f)),
        JobWorkload j => Ok(Job(c, j)),
        ServiceWorkload s => Ok(Service(c, s)),
        ScheduledTaskWorkload t => Ok(ScheduledTask(c, t)),
        DaemonWorkload d => Ok(Daemon(c, d)),
        var other => Result<PropertyMap>.Fail([new ValidationFailure(other.Label, "type",
            $"target kubernetes does not plan kind {KindNames.Of(other)}")]),
    };

    private static Result<PropertyMap> Ok(PropertyMap outputs) => Result<PropertyMap>.Ok(outputs);

    private static PropertyMap Function(KubernetesChildren c, FunctionWorkload f)
    {
        var queue = c.Queue();
        var auth = c.QueueAuthentication(queue);
        var identity = c.WorkerRbac();
        var deployment = c.Deployment(c.WorkerPod("Always", queue, identity, WorkerSidecar.WarmPoolEnv(f.SpareWorkers, f.CooldownPeriod), userAsSidecar: false), replicas: null, strategy: null, [.. identity.Children]);
        // desired = ceil((in-flight + spare) / 1), clamped to spare..maxWorkers by KEDA.
        var formula = f.SpareWorkers > 0 ? $"{queue.InFlight} + {f.SpareWorkers}" : queue.InFlight;
        c.AddKeda($"{c.Name}-scaler", new KedaObject<ScaledObjectSpec>
        {
            Metadata = c.Metadata(),
            Spec = new ScaledObjectSpec
            {
                ScaleTargetRef = new ScaleTargetRef { ApiVersion = "apps/v1", Kind = "Deployment", Name = c.Name },
                // Both clocks tick in steps (KEDA polls, the HPA syncs): the last step that saw the load can be
                // one interval before the last invocation, so each window gets one interval more (docs/simulation.md).
                CooldownPeriod = f.CooldownPeriod + KubernetesTarget.KedaPollingSeconds,
                MinReplicaCount = f.SpareWorkers,
                MaxReplicaCount = f.MaxWorkers,
                Advanced = new ScaledObjectAdvanced
                {
                    // KEDA's cooldownPeriod only covers 1 -> 0; scale-in between 1 and N is the HPA's.
                    HorizontalPodAutoscalerConfig = new HorizontalPodAutoscalerConfig
                    {
                        Behavior = new V2HorizontalPodAutoscalerBehavior
                        {
                            ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = Math.Min(Keda.MaxStabilizationWindowSeconds, f.CooldownPeriod + KubernetesTarget.HpaSyncSeconds) },
                        },
                    },
                    ScalingModifiers = new ScalingModifiers { Formula = formula, Target = "1", MetricType = "AverageValue" },
                },
                Triggers = queue.Triggers,
            },
        }, Named, deployment, auth);
        c.Fact("scaling", $"KEDA: desired = {formula}, {f.SpareWorkers}..{f.MaxWorkers} workers, scale-in after {f.CooldownPeriod}s below target");
        return new PropertyMap(("queue", queue.Queue));
    }

    private static PropertyMap Job(KubernetesChildren c, JobWorkload j)
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
                    ActiveDeadlineSeconds = WorkerSidecar.JobRunLimitSeconds(j),
                    Template = c.WorkerPod("Never", queue, identity, WorkerSidecar.OneMessageEnv, userAsSidecar: true),
                },
                MaxReplicaCount = j.MaxConcurrency,
                // An update of the ScaledJob must not delete the Jobs that are running.
                Rollout = new ScaledJobRollout { Strategy = "gradual" },
                // "default": jobs to start = in-flight - running jobs, which is right when the metric counts the
                // work the running jobs hold; "sum" adds Redis's two lists.
                ScalingStrategy = new ScaledJobScalingStrategy { Strategy = "default", MultipleScalersCalculation = "sum" },
                Triggers = queue.Triggers,
            },
        }, Named, [c.EnvSecretName, auth, .. identity.Children]);
        c.Fact("scaling", $"KEDA: one Job per message, at most {j.MaxConcurrency} at once");
        return new PropertyMap(("queue", queue.Queue));
    }

    private static PropertyMap Service(KubernetesChildren c, ServiceWorkload s)
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
        var utilization = (int)Math.Round(100 * s.TargetCpuUtilization, MidpointRounding.AwayFromZero);
        c.Add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", $"{c.Name}-hpa", new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = c.Metadata(),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = c.Name },
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
        c.Fact("scaling", $"HPA: {s.MinReplicas}..{s.MaxReplicas} replicas at {utilization}% average CPU");
        if (s.CertificateArn is not null)
            c.Ignored("certificateArn", "ignored on Kubernetes (AWS only); the Service is reached inside the cluster, TLS is the ingress's");
        if (s.AccessLogBucket is not null)
            c.Ignored("accessLogBucket", "ignored on Kubernetes (AWS only); the Service has no load balancer of its own, access logs are the ingress's");
        if (s.LoadBalancerSourceRanges is not null)
            c.Ignored("loadBalancerSourceRanges", "ignored on Kubernetes (AWS only); the Service is reached inside the cluster, a NetworkPolicy limits who reaches it");
        return new PropertyMap(("endpoint", $"http://{c.Name}.{c.Config.Namespace}.svc.cluster.local"));
    }

    private static V1TopologySpreadConstraint Spread(KubernetesChildren c, string key) => new()
    {
        MaxSkew = 1,
        TopologyKey = key,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = PodTemplates.Selector(c.Workload) },
    };

    private static PropertyMap ScheduledTask(KubernetesChildren c, ScheduledTaskWorkload t)
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
                        ActiveDeadlineSeconds = t.Container.TimeoutSeconds,
                        BackoffLimit = 0,
                        Template = c.Pod("Never"),
                    },
                },
            },
        }, K8sJson.Default.V1CronJob, Named, c.EnvSecretName);
        var schedule = $"{t.Schedule} ({t.TimeZone})";
        c.Fact("schedule", schedule);
        return new PropertyMap(("schedule", schedule));
    }

    private static PropertyMap Daemon(KubernetesChildren c, DaemonWorkload d)
    {
        // Recreate: the old pod is gone before the new one starts, so an update never runs two at once.
        c.Deployment(c.Pod("Always"), replicas: 1, strategy: new V1DeploymentStrategy { Type = "Recreate" });
        return PropertyMap.Empty;
    }
}
