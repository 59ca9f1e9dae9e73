using System.Globalization;

namespace Multinode.Worker;

public enum WorkerKind { Function, Job }

public enum PlatformKind { None, Aws, Kubernetes }

public enum QueueKind { Redis, AwsSqs }

/// <summary>Everything the worker reads from its environment (docs/worker.md lists each variable). The names are
/// the contract with the plans (src/Multinode.Infra/Targets), so they live only here.</summary>
public sealed record Settings
{
    public required WorkerKind Kind { get; init; }
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
    public const int DefaultCooldownSeconds = 60;

    /// <summary>The largest queue item or output the worker handles (MULTINODE_MAX_MESSAGE_BYTES).</summary>
    public const int DefaultMaxMessageBytes = 10 * 1024 * 1024;

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
        int Number(string name, int fallback, int min, int max)
        {
            var text = Get(name);
            if (text is null) return fallback;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            problems.Add($"{name}='{text}' must be a whole number from {min} to {max}");
            return fallback;
        }
        Uri? Url(string name, string? fallback)
        {
            var text = Get(name) ?? fallback;
            if (text is null) return null;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            problems.Add($"{name}='{text}' must be an absolute http(s) URL");
            return null;
        }

        var kind = Choice("MULTINODE_KIND", null, ("function", WorkerKind.Function), ("job", WorkerKind.Job));
        var workload = Required("MULTINODE_WORKLOAD", "the workload's name");
        var platform = Choice("MULTINODE_PLATFORM", "none", ("none", PlatformKind.None), ("aws", PlatformKind.Aws), ("kubernetes", PlatformKind.Kubernetes));
        var queueKind = Choice("MULTINODE_QUEUE_KIND", null, ("redis", QueueKind.Redis), ("aws-sqs", QueueKind.AwsSqs));
        var queue = Required("MULTINODE_QUEUE", "the Redis list name or the SQS queue URL");
        var processing = Get("MULTINODE_QUEUE_PROCESSING") ?? $"{queue}:processing";
        var redisAddress = Get("MULTINODE_REDIS_ADDRESS");
        var region = Get("AWS_REGION");
        if (Get("MULTINODE_QUEUE_KIND") == "redis")
        {
            if (redisAddress is null)
                problems.Add("MULTINODE_REDIS_ADDRESS is missing: host:port, redis://[user:password@]host:port/db or rediss://… " +
                             "(MULTINODE_QUEUE_KIND=redis)");
        }
        else if (queueKind == QueueKind.AwsSqs)
        {
            if (queue.Length > 0 && !Shared.SqsClient.IsQueueUrl(queue)) problems.Add($"MULTINODE_QUEUE='{queue}' must be an SQS queue URL (MULTINODE_QUEUE_KIND=aws-sqs)");
        }
        if ((queueKind == QueueKind.AwsSqs || platform == PlatformKind.Aws) && region is null)
            problems.Add("AWS_REGION is missing: the region of the SQS queue and the Auto Scaling group");
        var timeout = Number("MULTINODE_TIMEOUT_SECONDS", 300, 1, 43200);
        var port = Number("MULTINODE_PORT", 8080, 1, 65535);
        var invokeUrl = Url("MULTINODE_INVOKE_URL", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/invoke");
        var spare = Number("MULTINODE_SPARE_WORKERS", 0, 0, 100000);
        var cooldown = Number("MULTINODE_COOLDOWN_SECONDS", DefaultCooldownSeconds, 0, 86400);
        var scaleOut = Get("MULTINODE_SCALE_OUT_SECONDS") is null ? (int?)null : Number("MULTINODE_SCALE_OUT_SECONDS", 10, 1, 3600);
        var maxBytes = Number("MULTINODE_MAX_MESSAGE_BYTES", DefaultMaxMessageBytes, 1024, 512 * 1024 * 1024);
        var messageWait = Number("MULTINODE_MESSAGE_WAIT_SECONDS", 120, 0, 43200);

        string? instanceId = null, group = null, podName = null, podNamespace = null;
        Uri? autoscaling = null, kubernetesApi = null;
        if (platform == PlatformKind.Aws)
        {
            instanceId = Required("MULTINODE_INSTANCE_ID", "this instance's id (the user data reads it from IMDS)");
            group = Required("MULTINODE_GROUP", "the Auto Scaling group's name");
            autoscaling = Url("MULTINODE_AUTOSCALING_ENDPOINT", region is null ? null : $"https://autoscaling.{region}.amazonaws.com/");
        }
        if (platform == PlatformKind.Kubernetes)
        {
            podName = Required("MULTINODE_POD_NAME", "the pod's name (downward API metadata.name)");
            podNamespace = Required("MULTINODE_POD_NAMESPACE", "the pod's namespace (downward API metadata.namespace)");
            var host = Get("KUBERNETES_SERVICE_HOST");
            var apiPort = Get("KUBERNETES_SERVICE_PORT") ?? "443";
            var fallback = host is null ? null : $"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{apiPort}";
            kubernetesApi = Url("MULTINODE_KUBERNETES_API", fallback);
            if (kubernetesApi is null && Get("MULTINODE_KUBERNETES_API") is null)
                problems.Add("KUBERNETES_SERVICE_HOST is missing: the API server's address (set by Kubernetes in every pod), or MULTINODE_KUBERNETES_API");
        }

        Shared.RedisEndpoint? redis = null;
        if (redisAddress is not null)
        {
            var tls = Choice("MULTINODE_REDIS_TLS", "false", ("false", false), ("true", true));
            var caFile = Get("MULTINODE_REDIS_CA_FILE");
            if (caFile is not null && !File.Exists(caFile)) problems.Add($"MULTINODE_REDIS_CA_FILE='{caFile}' does not exist");
            try
            {
                redis = Shared.RedisEndpoint.Parse(redisAddress, tls, Get("MULTINODE_REDIS_USERNAME"), Get("MULTINODE_REDIS_PASSWORD"),
                    caFile);
            }
            catch (FormatException e)
            {
                problems.Add($"MULTINODE_REDIS_ADDRESS: {e.Message}");
            }
        }
        var sqsEndpoint = Url("MULTINODE_SQS_ENDPOINT", null);
        var imds = Url("MULTINODE_IMDS_ENDPOINT", "http://169.254.169.254/");
        if (problems.Count > 0) return (null, problems);
        return (new Settings
        {
            Kind = kind,
            Workload = workload,
            Platform = platform,
            QueueKind = queueKind,
            Queue = queue,
            ProcessingList = processing,
            RedisAddress = redisAddress,
            RedisPassword = Get("MULTINODE_REDIS_PASSWORD"),
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
            LifecycleHook = Get("MULTINODE_LIFECYCLE_HOOK"),
            AutoScalingEndpoint = autoscaling,
            ImdsEndpoint = imds!,
            PodName = podName,
            PodNamespace = podNamespace,
            KubernetesApi = kubernetesApi,
        }, []);
    }
}
