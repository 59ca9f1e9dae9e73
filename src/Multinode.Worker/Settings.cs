using System.Globalization;
using Multinode.Contracts;

namespace Multinode.Worker;

public enum PlatformKind { None, Aws, Kubernetes }

public enum QueueKind { Redis, AwsSqs }

/// <summary>Everything the worker reads from its environment (docs/worker.md lists each variable). The names,
/// defaults and limits are the contract with the plans, in src/Multinode.Contracts, which the plans write
/// (src/Multinode.Infra/Targets) from the same definitions.</summary>
public sealed record Settings
{
    /// <summary>The workload's kind in lower case (<see cref="WorkerKinds"/>): only reported.</summary>
    public required string Kind { get; init; }

    /// <summary>The worker takes one message and exits (its plan gave it a wait for that message); else it takes
    /// messages until it is scaled in (<see cref="WorkerKinds.TakesOneMessage"/>).</summary>
    public bool TakesOneMessage { get; init; }

    public required string Workload { get; init; }
    public required PlatformKind Platform { get; init; }
    public required QueueKind QueueKind { get; init; }
    public required string Queue { get; init; }
    public required string ProcessingList { get; init; }
    public string? RedisAddress { get; init; }
    public string? RedisPassword { get; init; }
    public Shared.RedisEndpoint? Redis { get; init; }
    public string? Region { get; init; }
    public Uri? SqsEndpoint { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required Uri InvokeUrl { get; init; }
    public required int SpareWorkers { get; init; }
    public required TimeSpan Cooldown { get; init; }
    public required TimeSpan MessageWait { get; init; }
    public TimeSpan? ScaleOutEvery { get; init; }
    public required int MaxMessageBytes { get; init; }
    public string? InstanceId { get; init; }
    public string? Group { get; init; }
    public string? LifecycleHook { get; init; }
    public Uri? AutoScalingEndpoint { get; init; }
    public required Uri ImdsEndpoint { get; init; }
    public string? PodName { get; init; }
    public string? PodNamespace { get; init; }
    public Uri? KubernetesApi { get; init; }

    /// <summary>The product's default cooldownPeriod (docs/workloads.md), used when the plan sets none.</summary>
    public static int DefaultCooldownSeconds => WorkerSettings.Cooldown.Default;

    /// <summary>The largest queue item or output the worker handles (MULTINODE_MAX_MESSAGE_BYTES).</summary>
    public static int DefaultMaxMessageBytes => WorkerSettings.MaxMessageBytes.Default;

    /// <summary>Reads the settings, or every problem at once (name, value, what is allowed).</summary>
    public static (Settings? Settings, IReadOnlyList<string> Problems) Read(Func<string, string?> env)
    {
        var problems = new List<string>();
        string? Get(string name) => env(name) is { Length: > 0 } v ? v.Trim() : null;
        string Required(string name, string what)
        {
            var value = Get(name);
            if (value is null) problems.Add($"{name} is missing: {what}");
            return value ?? "";
        }
        T Choice<T>(string name, string? fallback, params (string Text, T Value)[] choices)
        {
            var value = Get(name) ?? fallback;
            foreach (var (text, v) in choices)
                if (string.Equals(text, value, StringComparison.Ordinal)) return v;
            var allowed = string.Join(", ", choices.Select(c => c.Text));
            problems.Add(value is null ? $"{name} is missing: one of {allowed}" : $"{name}='{value}' is not one of {allowed}");
            return choices[0].Value;
        }
        int Number(WorkerNumber setting)
        {
            var text = Get(setting.Name);
            if (text is null) return setting.Default;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && setting.Accepts(n))
                return n;
            problems.Add($"{setting.Name}='{text}' must be a whole number from {setting.Min} to {setting.Max}");
            return setting.Default;
        }
        Uri? Url(string name, string? fallback)
        {
            var text = Get(name) ?? fallback;
            if (text is null) return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            problems.Add($"{name}='{text}' must be an absolute http(s) URL");
            return null;
        }

        var kind = Required(WorkerEnv.Kind, "the workload's kind in lower case, e.g. function");
        if (kind.Length > 0 && !WorkerKinds.IsKind(kind))
            problems.Add($"{WorkerEnv.Kind}='{kind}' is not a kind's name in lower case (letters and digits)");
        var workload = Required(WorkerEnv.Workload, "the workload's name");
        var platform = Choice(WorkerEnv.Platform, WorkerPlatforms.None, (WorkerPlatforms.None, PlatformKind.None),
            (WorkerPlatforms.Aws, PlatformKind.Aws), (WorkerPlatforms.Kubernetes, PlatformKind.Kubernetes));
        var queueKind = Choice(WorkerEnv.QueueKind, null, (QueueKinds.Redis, QueueKind.Redis),
            (QueueKinds.AwsSqs, QueueKind.AwsSqs));
        var queue = Required(WorkerEnv.Queue, "the Redis list name or the SQS queue URL");
        var processing = Get(WorkerEnv.QueueProcessing) ?? QueueKinds.ProcessingList(queue);
        var redisAddress = Get(WorkerEnv.RedisAddress);
        var region = Get(WorkerEnv.Region);
        if (Get(WorkerEnv.QueueKind) == QueueKinds.Redis)
        {
            if (redisAddress is null)
                problems.Add($"{WorkerEnv.RedisAddress} is missing: host:port, redis://[user:password@]host:port/db " +
                             $"or rediss://… ({WorkerEnv.QueueKind}={QueueKinds.Redis})");
        }
        else if (queueKind == QueueKind.AwsSqs)
        {
            if (queue.Length > 0 && !Shared.SqsClient.IsQueueUrl(queue))
                problems.Add($"{WorkerEnv.Queue}='{queue}' must be an SQS queue URL " +
                             $"({WorkerEnv.QueueKind}={QueueKinds.AwsSqs})");
        }
        if ((queueKind == QueueKind.AwsSqs || platform == PlatformKind.Aws) && region is null)
            problems.Add($"{WorkerEnv.Region} is missing: the region of the SQS queue and the Auto Scaling group");
        var timeout = Number(WorkerSettings.Timeout);
        var port = Number(WorkerSettings.Port);
        var invokeUrl = Url(WorkerEnv.InvokeUrl,
            $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/invoke");
        var spare = Number(WorkerSettings.SpareWorkers);
        var cooldown = Number(WorkerSettings.Cooldown);
        var scaleOut = Get(WorkerEnv.ScaleOutSeconds) is null ? (int?)null : Number(WorkerSettings.ScaleOut);
        var maxBytes = Number(WorkerSettings.MaxMessageBytes);
        var messageWait = Number(WorkerSettings.MessageWait);

        string? instanceId = null, group = null, podName = null, podNamespace = null;
        Uri? autoscaling = null, kubernetesApi = null;
        if (platform == PlatformKind.Aws)
        {
            instanceId = Required(WorkerEnv.InstanceId, "this instance's id (the user data reads it from IMDS)");
            group = Required(WorkerEnv.Group, "the Auto Scaling group's name");
            autoscaling = Url(WorkerEnv.AutoScalingEndpoint,
                region is null ? null : $"https://autoscaling.{region}.amazonaws.com/");
        }
        if (platform == PlatformKind.Kubernetes)
        {
            podName = Required(WorkerEnv.PodName, "the pod's name (downward API metadata.name)");
            podNamespace = Required(WorkerEnv.PodNamespace, "the pod's namespace (downward API metadata.namespace)");
            var host = Get("KUBERNETES_SERVICE_HOST");
            var apiPort = Get("KUBERNETES_SERVICE_PORT") ?? "443";
            var fallback = host is null ? null : $"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{apiPort}";
            kubernetesApi = Url(WorkerEnv.KubernetesApi, fallback);
            if (kubernetesApi is null && Get(WorkerEnv.KubernetesApi) is null)
                problems.Add("KUBERNETES_SERVICE_HOST is missing: the API server's address (set by Kubernetes in " +
                             $"every pod), or {WorkerEnv.KubernetesApi}");
        }

        Shared.RedisEndpoint? redis = null;
        if (redisAddress is not null)
        {
            var tls = Choice(WorkerEnv.RedisTls, "false", ("false", false), ("true", true));
            var caFile = Get(WorkerEnv.RedisCaFile);
            if (caFile is not null && !File.Exists(caFile))
                problems.Add($"{WorkerEnv.RedisCaFile}='{caFile}' does not exist");
            try
            {
                redis = Shared.RedisEndpoint.Parse(redisAddress, tls, Get(WorkerEnv.RedisUsername),
                    Get(WorkerEnv.RedisPassword), caFile);
            }
            catch (FormatException e)
            {
                problems.Add($"{WorkerEnv.RedisAddress}: {e.Message}");
            }
        }
        var sqsEndpoint = Url(WorkerEnv.SqsEndpoint, null);
        var imds = Url(WorkerEnv.ImdsEndpoint, "http://169.254.169.254/");
        if (problems.Count > 0) return (null, problems);
        return (new Settings
        {
            Kind = kind,
            TakesOneMessage = WorkerKinds.TakesOneMessage(Get),
            Workload = workload,
            Platform = platform,
            QueueKind = queueKind,
            Queue = queue,
            ProcessingList = processing,
            RedisAddress = redisAddress,
            RedisPassword = Get(WorkerEnv.RedisPassword),
            Redis = redis,
            Region = region,
            SqsEndpoint = sqsEndpoint,
            Timeout = TimeSpan.FromSeconds(timeout),
            InvokeUrl = invokeUrl!,
            SpareWorkers = spare,
            Cooldown = TimeSpan.FromSeconds(cooldown),
            MessageWait = TimeSpan.FromSeconds(messageWait),
            ScaleOutEvery = scaleOut is { } every ? TimeSpan.FromSeconds(every) : null,
            MaxMessageBytes = maxBytes,
            InstanceId = instanceId,
            Group = group,
            LifecycleHook = Get(WorkerEnv.LifecycleHook),
            AutoScalingEndpoint = autoscaling,
            ImdsEndpoint = imds!,
            PodName = podName,
            PodNamespace = podNamespace,
            KubernetesApi = kubernetesApi,
        }, []);
    }
}
