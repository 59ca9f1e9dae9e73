using Multinode.Contracts;
using System.Collections.Concurrent;
using System.Globalization;
using k8s.Models;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>What a workload's pods look like on Kubernetes, whatever controller runs them: one container with
/// requests = limits, GPUs and their scheduling, safe security defaults, env (secrets by reference) and labels.</summary>
internal static class PodTemplates
{
    /// <summary>Time a container gets after SIGTERM on top of timeoutSeconds, to finish the invocation it had just
    /// started and exit; scale-in then never cuts work short (DESIGN section 5).</summary>
    public const int ShutdownAllowanceSeconds = 30;

    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>Labels Multinode owns; tags may not set them.</summary>
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "multinode";

    /// <summary>GPU product label values as NVIDIA GPU feature discovery writes them (the nvidia-smi product name
    /// with dashes) for the model each type is sold as on AWS; <c>kubernetes.gpuProducts</c> overrides them.</summary>
    public static string CanonicalProduct(GpuType type) => type switch
    {
        GpuType.T4 => "Tesla-T4",
        GpuType.A10G => "NVIDIA-A10G",
        GpuType.L4 => "NVIDIA-L4",
        GpuType.L40S => "NVIDIA-L40S",
        GpuType.V100 => "Tesla-V100-SXM2-16GB",
        GpuType.A100 => "NVIDIA-A100-SXM4-40GB",
        GpuType.A100_80GB => "NVIDIA-A100-SXM4-80GB",
        GpuType.H100 => "NVIDIA-H100-80GB-HBM3",
        GpuType.H200 => "NVIDIA-H200",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Product(GpuType type, KubernetesConfig config) =>
        config.GpuProducts.TryGetValue(type, out var product) ? product : CanonicalProduct(type);

    /// <summary>Tags and env names that Kubernetes cannot take; all of them, so the user fixes them at once.</summary>
    public static IEnumerable<ValidationFailure> Check(Workload workload)
    {
        // The user's container is named after the workload; two containers of a pod cannot share a name.
        if (WorkerSidecar.Port(workload) is not null && workload.Name == WorkerSidecar.ContainerName)
            yield return new(workload.Label, "name",
                $"name = {PropertyValue.Quote(workload.Name)} is the worker sidecar's container name in the same pod; choose another name");
        foreach (var (key, value) in workload.Container.Tags)
        {
            var path = $"tags.{key}";
            if (key is NameLabel or ManagedByLabel)
                yield return new(workload.Label, path, $"{path}: the label {PropertyValue.QuoteShort(key)} is set by Multinode and cannot be a tag");
            else if (KubernetesChecks.LabelKey(key) is { } keyProblem)
                yield return new(workload.Label, path, $"{path}: the key {PropertyValue.QuoteShort(key)} {keyProblem}");
            else if (value is SecretValue)
                yield return new(workload.Label, path, $"{path} is a secret, but tags become Kubernetes labels, which anyone who can list the objects reads; pass it as a plain value");
            else if (value is StringValue s && KubernetesChecks.LabelValue(s.Value) is { } valueProblem)
                yield return new(workload.Label, path, $"{path} = {value.Display()} {valueProblem}");
        }
        if (workload.Container.WholeEnv is SecretValue { Value: ObjectValue whole } && whole.Map.Keys.Any(k => KubernetesChecks.SecretKey(k) is not null))
            yield return new(workload.Label, "env",
                "env = [secret] has a name that a Kubernetes Secret cannot hold (letters, digits, '-', '_' and '.' only); the whole env is passed through one");
        // Single env names need no check here: the core's env name rule (WorkloadInputs) is stricter than a Secret's keys.
    }

    /// <summary>The workload's own labels: the standard ones and its tags, in key order.</summary>
    public static SortedDictionary<string, string> Labels(Workload workload, KubernetesBody body)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [NameLabel] = workload.Name,
            [ManagedByLabel] = ManagedBy,
        };
        foreach (var (key, value) in workload.Container.Tags) labels[key] = body.Text(value);
        return labels;
    }

    /// <summary>Pods of the workload, as controllers select them. Never includes tags: a selector is immutable.</summary>
    public static SortedDictionary<string, string> Selector(Workload workload) =>
        new(StringComparer.Ordinal) { [NameLabel] = workload.Name };

    public static V1ObjectMeta Metadata(Workload workload, KubernetesConfig config, KubernetesBody body, string? name = null) => new()
    {
        Name = name ?? workload.Name,
        NamespaceProperty = config.Namespace,
        Labels = Labels(workload, body),
    };


    /// <summary>Name of the Secret that holds the workload's secret env values.</summary>
    public static string EnvSecretName(Workload workload) => $"{workload.Name}-env";

    public static bool HasSecretEnv(Workload workload) => workload.Container.HasSecretEnv;

    /// <summary>The Secret with every secret env value (stringData, each value still secret), or null when none.</summary>
    public static V1Secret? EnvSecret(Workload workload, KubernetesConfig config, KubernetesBody body)
    {
        if (!HasSecretEnv(workload)) return null;
        // An env secret or unknown as a whole is the Secret's whole stringData, read by the pod through envFrom.
        var data = workload.Container.WholeEnv is SecretValue whole ? body.Map(whole) : new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in workload.Container.Env)
            if (value is SecretValue) data[key] = body.Text(value);
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = Metadata(workload, config, body, EnvSecretName(workload)),
            Type = "Opaque",
            StringData = data,
        };
    }

    /// <summary>CPU as a Kubernetes quantity: whole cores as "2", fractions in millicores ("500m").</summary>
    public static string Cpu(double cpu) =>
        cpu == Math.Floor(cpu)
            ? ((long)cpu).ToString(CultureInfo.InvariantCulture)
            : ((long)Math.Round(cpu * 1000)).ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Requests = limits: the scheduler reserves exactly what the worker may use (Guaranteed QoS), so the
    /// totals at maximum scale are what the cluster must hold.</summary>
    public static V1ResourceRequirements Resources(ResourceRequest request)
    {
        // One set of quantities for both, each written into the plan once.
        var amounts = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = Quantity(Cpu(request.Cpu)),
            ["memory"] = Quantity(request.Memory.ToString()),
        };
        if (request.Gpu is { } gpu) amounts[GpuResource] = Quantity(gpu.Count.ToString(CultureInfo.InvariantCulture));
        return new V1ResourceRequirements { Limits = amounts, Requests = new Dictionary<string, ResourceQuantity>(amounts, StringComparer.Ordinal) };
    }

    /// <summary>Each quantity parsed once: a program repeats a few amounts, and a ResourceQuantity cannot change.</summary>
    private static ResourceQuantity Quantity(string text) => Quantities.GetOrAdd(text, static t => new ResourceQuantity(t));

    private static readonly ConcurrentDictionary<string, ResourceQuantity> Quantities = new(StringComparer.Ordinal);

    /// <summary>The pod template every kind shares; <paramref name="shape"/> adds what one kind needs.</summary>
    public static V1PodTemplateSpec Template(Workload workload, KubernetesConfig config, KubernetesBody body,
        IEnumerable<V1EnvVar> platformEnv, string restartPolicy, Action<V1PodSpec, V1Container>? shape = null)
    {
        var container = new V1Container
        {
            Name = workload.Name,
            Image = body.Text(workload.Container.Image),
            Command = body.List(workload.Container.Command),
            Args = body.List(workload.Container.Args),
            Env = Env(workload, body, platformEnv),
            EnvFrom = workload.Container.WholeEnv is not SecretValue
                ? null
                : [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = EnvSecretName(workload) } }],
            Resources = Resources(workload.Resources),
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = config.ReadOnlyRootFilesystem,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };
        var pod = new V1PodSpec
        {
            Containers = [container],
            RestartPolicy = restartPolicy,
            ServiceAccountName = config.ServiceAccountName,
            // No pod mounts an API token for all its containers: the worker sidecar of a queue workload, which patches
            // its own pod's deletion cost, gets a projected token of its own (below); the user's container none.
            AutomountServiceAccountToken = false,
            TerminationGracePeriodSeconds = workload.Container.TimeoutSeconds + ShutdownAllowanceSeconds,
            SecurityContext = new V1PodSecurityContext
            {
                RunAsNonRoot = config.RunAsNonRoot,
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
        };
        if (config.ReadOnlyRootFilesystem)
        {
            // Most programs still write temporary files; give them a scratch /tmp that lives as long as the pod.
            pod.Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }];
            container.VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }];
        }
        if (workload.Resources.Gpu is { } gpu)
        {
            pod.NodeSelector = new SortedDictionary<string, string>(StringComparer.Ordinal) { [config.GpuNodeLabel] = Product(gpu.Type, config) };
            // GPU node groups are usually tainted so that only pods asking for GPUs land there.
            pod.Tolerations = [new V1Toleration { Key = GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }];
        }
        shape?.Invoke(pod, container);
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = Labels(workload, body) },
            Spec = pod,
        };
    }

    /// <summary>The worker sidecar's requests = limits: small, and equal so that the pod keeps Guaranteed QoS.</summary>
    public static readonly ResourceRequest WorkerResources = new(0.1, Memory.Parse("128Mi"), null);

    /// <summary>Where in-cluster clients look for the service account token, CA and namespace.</summary>
    public const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    private const string TokenVolume = "multinode-worker-token";

    /// <summary>How long the user's server may take to accept connections after its container starts (loading a
    /// model, warming a cache) before the kubelet restarts it: the startup probe's period × failure threshold. The
    /// worker starts only once the probe succeeded.</summary>
    public const int ServerStartupSeconds = 600;

    private const int StartupProbePeriodSeconds = 2;

    /// <summary>
    /// Adds the worker (DESIGN section 7) to a queue workload's pod. The user's container serves POST /invoke on its
    /// port and gets no queue settings; the worker gets the queue's, the shared ones (<see cref="WorkerSidecar.Env"/>
    /// with the kind's <paramref name="kindEnv"/>) and its pod's name and namespace. The user's container is a
    /// native sidecar (an init container with restartPolicy Always; Kubernetes ≥ 1.29) and the worker the main
    /// container: the kubelet starts the server first and the worker once the server's startup probe succeeded, and
    /// on termination it sends SIGTERM to the worker alone, and to the server only after the worker has exited
    /// (Kubernetes docs, "Pod shutdown and sidecar containers"), so a server that exits on SIGTERM never drops the
    /// invocation in hand. A pod that runs once completes when the worker exits. Only the worker gets the service
    /// account's token (a projected volume; the pod's automount is off), which may patch its own pod.
    /// </summary>
    public static void AddWorker(V1PodSpec pod, V1Container user, Workload workload, IEnumerable<V1EnvVar> queueEnv,
        IReadOnlyList<(string Name, string Value)> kindEnv, string workerImage, string serviceAccount)
    {
        var port = WorkerSidecar.Port(workload) ?? throw new ArgumentException($"{workload.Label} runs no worker", nameof(workload));
        user.Ports = [new V1ContainerPort { Name = "http", ContainerPort = port, Protocol = "TCP" }];
        user.ReadinessProbe = new V1Probe
        {
            TcpSocket = new V1TCPSocketAction { Port = "http" },
            PeriodSeconds = 5,
            FailureThreshold = 3,
        };
        user.StartupProbe = new V1Probe
        {
            TcpSocket = new V1TCPSocketAction { Port = "http" },
            PeriodSeconds = StartupProbePeriodSeconds,
            FailureThreshold = ServerStartupSeconds / StartupProbePeriodSeconds,
        };
        var env = WorkerSidecar.Env(workload, WorkerPlatforms.Kubernetes, kindEnv)
            .Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }).ToList();
        env.AddRange(queueEnv);
        env.Add(FieldEnv(WorkerEnv.PodName, "metadata.name"));
        env.Add(FieldEnv(WorkerEnv.PodNamespace, "metadata.namespace"));
        var worker = new V1Container
        {
            Name = WorkerSidecar.ContainerName,
            Image = workerImage,
            Env = env,
            Resources = Resources(WorkerResources),
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                // The worker writes nothing: its root file system is read-only whatever the workload's setting.
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = [new V1VolumeMount { Name = TokenVolume, MountPath = TokenPath, ReadOnlyProperty = true }],
        };
        pod.ServiceAccountName = serviceAccount;
        pod.Volumes = [.. pod.Volumes ?? [], TokenProjection()];
        user.RestartPolicy = "Always";
        pod.InitContainers = [user];
        pod.Containers = [worker];
    }

    private static V1EnvVar FieldEnv(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };

    /// <summary>What automounting would give every container (a bound token, the cluster CA, the namespace), for the
    /// worker alone.</summary>
    private static V1Volume TokenProjection() => new()
    {
        Name = TokenVolume,
        Projected = new V1ProjectedVolumeSource
        {
            Sources =
            [
                new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 3607 } },
                new V1VolumeProjection
                {
                    ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] },
                },
                new V1VolumeProjection
                {
                    DownwardAPI = new V1DownwardAPIProjection
                    {
                        Items = [new V1DownwardAPIVolumeFile { Path = "namespace", FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } }],
                    },
                },
            ],
        },
    };

    /// <summary>The user's env in declared order (secret values by reference to the env Secret), then Multinode's
    /// own variables that the user did not set.</summary>
    private static List<V1EnvVar>? Env(Workload workload, KubernetesBody body, IEnumerable<V1EnvVar> platformEnv)
    {
        // A plain env unknown as a whole (preview) leaves the container's whole env list unknown until update.
        if (workload.Container.PlainWholeEnv is { } plain)
            return body.Whole(new List<V1EnvVar>(), PropertyValue.UnknownFrom("env", plain));
        var env = new List<V1EnvVar>();
        foreach (var (key, value) in workload.Container.Env)
        {
            env.Add(value is SecretValue
                ? new V1EnvVar
                {
                    Name = key,
                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = EnvSecretName(workload), Key = key } },
                }
                : new V1EnvVar { Name = key, Value = body.Text(value) });
        }
        var own = new List<V1EnvVar>
        {
            new() { Name = WorkerEnv.Workload, Value = workload.Name },
            new()
            {
                Name = WorkerEnv.TimeoutSeconds,
                Value = workload.Container.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            },
        };
        env.AddRange(own.Concat(platformEnv).Where(e => !workload.Container.Env.ContainsKey(e.Name)));
        return env;
    }
}
