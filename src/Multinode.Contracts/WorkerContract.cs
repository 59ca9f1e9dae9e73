namespace Multinode.Contracts;

/// <summary>The names of the worker's environment variables (docs/worker.md lists each): the plans write them
/// (src/Multinode.Infra/Targets) and the worker reads them (src/Multinode.Worker/Settings.cs).</summary>
public static class WorkerEnv
{
    public const string Kind = "MULTINODE_KIND";
    public const string Workload = "MULTINODE_WORKLOAD";
    public const string Platform = "MULTINODE_PLATFORM";
    public const string QueueKind = "MULTINODE_QUEUE_KIND";
    public const string Queue = "MULTINODE_QUEUE";
    public const string QueueProcessing = "MULTINODE_QUEUE_PROCESSING";
    public const string RedisAddress = "MULTINODE_REDIS_ADDRESS";
    public const string RedisTls = "MULTINODE_REDIS_TLS";
    public const string RedisCaFile = "MULTINODE_REDIS_CA_FILE";
    public const string RedisUsername = "MULTINODE_REDIS_USERNAME";
    public const string RedisPassword = "MULTINODE_REDIS_PASSWORD";
    public const string Region = "AWS_REGION";
    public const string SqsEndpoint = "MULTINODE_SQS_ENDPOINT";
    public const string TimeoutSeconds = "MULTINODE_TIMEOUT_SECONDS";
    public const string Port = "MULTINODE_PORT";
    public const string InvokeUrl = "MULTINODE_INVOKE_URL";
    public const string SpareWorkers = "MULTINODE_SPARE_WORKERS";
    public const string CooldownSeconds = "MULTINODE_COOLDOWN_SECONDS";
    public const string ScaleOutSeconds = "MULTINODE_SCALE_OUT_SECONDS";
    public const string MaxMessageBytes = "MULTINODE_MAX_MESSAGE_BYTES";
    public const string MessageWaitSeconds = "MULTINODE_MESSAGE_WAIT_SECONDS";
    public const string InstanceId = "MULTINODE_INSTANCE_ID";
    public const string Group = "MULTINODE_GROUP";
    public const string LifecycleHook = "MULTINODE_LIFECYCLE_HOOK";
    public const string AutoScalingEndpoint = "MULTINODE_AUTOSCALING_ENDPOINT";
    public const string ImdsEndpoint = "MULTINODE_IMDS_ENDPOINT";
    public const string PodName = "MULTINODE_POD_NAME";
    public const string PodNamespace = "MULTINODE_POD_NAMESPACE";
    public const string KubernetesApi = "MULTINODE_KUBERNETES_API";
}

/// <summary>The value of <see cref="WorkerEnv.Kind"/>: the workload's kind as the plans write it, its name in lower
/// case, whichever kind runs the worker. The worker only reports it: what it does follows from the variables the
/// kind's target mapping plans for it (<see cref="TakesOneMessage"/>), so a new kind that runs the worker needs no
/// change here or in the worker.</summary>
public static class WorkerKinds
{
    /// <summary>A kind's name as <see cref="WorkerEnv.Kind"/> carries it: lower-case ASCII letters and digits,
    /// starting with a letter, at most 64 characters.</summary>
    public static bool IsKind(string text) =>
        text.Length is > 0 and <= 64 && char.IsAsciiLetterLower(text[0]) &&
        text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    /// <summary>A worker takes one message and then exits when its plan gives it
    /// <see cref="WorkerEnv.MessageWaitSeconds"/> (how long to wait for that message); without it, it takes messages
    /// until it is scaled in.</summary>
    public static bool TakesOneMessage(Func<string, string?> env) =>
        env(WorkerEnv.MessageWaitSeconds) is { Length: > 0 };
}

/// <summary>The values of <see cref="WorkerEnv.QueueKind"/> (and of the Kubernetes config's queue.kind).</summary>
public static class QueueKinds
{
    public const string Redis = "redis";
    public const string AwsSqs = "aws-sqs";

    public static readonly IReadOnlyList<string> All = [Redis, AwsSqs];

    /// <summary>The list a Redis worker moves an item to while it works on it (LMOVE), from the queue's list.</summary>
    public static string ProcessingList(string queue) => queue + ":processing";
}

/// <summary>The values of <see cref="WorkerEnv.Platform"/>: whose duties the worker does besides the queue.</summary>
public static class WorkerPlatforms
{
    public const string None = "none";
    public const string Aws = "aws";
    public const string Kubernetes = "kubernetes";

    public static readonly IReadOnlyList<string> All = [None, Aws, Kubernetes];
}

/// <summary>One whole-number setting: its default (used when the variable is absent) and its accepted range.</summary>
public sealed record WorkerNumber(string Name, int Default, int Min, int Max)
{
    public bool Accepts(int value) => value >= Min && value <= Max;
}

/// <summary>The worker's number settings, their defaults and the ranges it accepts; the plans stay within them.
/// </summary>
public static class WorkerSettings
{
    /// <summary>Time the worker keeps for replying and deleting after an invocation that took its whole timeout,
    /// within SQS's 12-hour hold.</summary>
    public const int FinishAllowanceSeconds = 300;

    /// <summary>The longest invocation of a kind that runs the worker (its workload's timeoutSeconds): an SQS
    /// message can be held at most 12 hours from its receipt (<see cref="PlatformLimits.SqsMaxVisibilitySeconds"/>),
    /// and the hold must cover the invocation and then its reply and delete (<see cref="FinishAllowanceSeconds"/>).
    /// The same limit holds on Redis, so a workload's limit does not depend on its queue.</summary>
    public const int MaxTimeoutSeconds = PlatformLimits.SqsMaxVisibilitySeconds - FinishAllowanceSeconds;

    /// <summary>Why <see cref="MaxTimeoutSeconds"/> is the limit, as validation says it.</summary>
    public const string MaxTimeoutReason =
        "a Function's or Job's worker holds its SQS message while it works, and SQS holds a message at most 12 hours " +
        "(43200 s) from its receipt, 300 s of which the worker keeps to reply and delete it";

    public static readonly WorkerNumber Timeout =
        new(WorkerEnv.TimeoutSeconds, WorkloadLimits.DefaultTimeoutSeconds, 1, MaxTimeoutSeconds);
    public static readonly WorkerNumber Port = new(WorkerEnv.Port, 8080, 1, 65535);
    public static readonly WorkerNumber SpareWorkers = new(WorkerEnv.SpareWorkers, 0, 0, 100000);

    /// <summary>The product's default cooldownPeriod (docs/workloads.md) when the plan sets none.</summary>
    public static readonly WorkerNumber Cooldown = new(WorkerEnv.CooldownSeconds, 60, 0, WorkloadLimits.MaxDaySeconds);
    public static readonly WorkerNumber ScaleOut = new(WorkerEnv.ScaleOutSeconds, 10, 1, 3600);
    public static readonly WorkerNumber MaxMessageBytes = new(WorkerEnv.MaxMessageBytes, 10 * 1024 * 1024, 1024,
        512 * 1024 * 1024);

    /// <summary>How long a worker that takes one message (a Job's) waits for it before it gives up.</summary>
    public static readonly WorkerNumber MessageWait = new(WorkerEnv.MessageWaitSeconds, 120, 0, MaxTimeoutSeconds);

    /// <summary>The worker's sidecar container name on both targets.</summary>
    public const string ContainerName = "multinode-worker";
}
