using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// What each workload kind is on AWS (docs/aws.md, docs/scaling.md): the AWS target's table of kind → mapping, the
/// one file of the target that names the kinds. Every other part plans from the <see cref="AwsShape"/> a mapping
/// gives, so a new kind is one entry (here, or added with <see cref="AwsTarget.With"/>), and a kind without one fails
/// validation ("target aws does not plan kind X") instead of falling to a default.
/// </summary>
internal static class AwsKinds
{
    public static readonly IReadOnlyDictionary<WorkloadKind, AwsMapping> Table =
        new Dictionary<WorkloadKind, AwsMapping>
    {
        [FunctionKind.Instance] = AwsMapping.Of<FunctionWorkload>(f =>
            AwsShape.WarmPool(f, f.SpareWorkers, f.MaxWorkers, f.CooldownPeriod)),
        [JobKind.Instance] = AwsMapping.Of<JobWorkload>(j => AwsShape.OneMessagePerWorker(j.MaxConcurrency)),
        [ServiceKind.Instance] = AwsMapping.Of<ServiceWorkload>(s => new AwsShape(s.MinReplicas, s.MaxReplicas)
        {
            LoadBalancer = new LoadBalanced(s.Port, s.HealthCheckPath, s.CertificateArn)
            {
                Internal = s.LoadBalancerScheme == ServiceKind.Internal,
                SourceRanges = s.LoadBalancerSourceRanges,
                AccessLogBucket = s.AccessLogBucket,
                AccessLogPrefix = s.AccessLogPrefix,
            },
            CpuTarget = s.TargetCpuUtilization,
            RollingRefresh = true,
        }) with { Check = CheckService },
        // One instance per occurrence, launched by a scheduled action, ending itself when its run is over.
        [ScheduledTaskKind.Instance] = AwsMapping.Of<ScheduledTaskWorkload>(t => new AwsShape(0, 1)
        {
            Schedule = new ScheduledRun(t.Schedule, t.TimeZone),
            RunsOnce = true,
            NoRebalance = true,
        }),
        [DaemonKind.Instance] = AwsMapping.Of<DaemonWorkload>(_ =>
            new AwsShape(1, 1) { OneAtATime = true, NoRebalance = true }),
    };

    /// <summary>A Service's rules against the AWS settings and AWS's own limits, checked with the program's
    /// validation.</summary>
    private static IEnumerable<ValidationFailure> CheckService(Workload workload, AwsConfig aws)
    {
        if (aws.KnownSubnetCount < 2)
            yield return new ValidationFailure(workload.Label, "subnetIds",
                $"a Service needs at least two subnets in different availability zones for its load balancer, but aws.subnetIds has {aws.KnownSubnetCount}");
        const int maxIdle = AwsLoadBalancing.MaxIdleTimeoutSeconds;
        if (workload.Container.TimeoutSeconds is var timeout and > maxIdle)
            yield return new ValidationFailure(workload.Label, "timeoutSeconds",
                $"timeoutSeconds = {timeout} is above the limit of {maxIdle} for a Service on AWS: " +
                $"its requests pass an Application Load Balancer, whose idle timeout (at most {maxIdle} s) " +
                "would close a request that sends nothing for longer (HTTP 504)");
    }
}

/// <summary>What one workload kind is on AWS: the <see cref="AwsShape"/> of a workload's children, and the kind's rules
/// against the AWS settings and AWS's own limits (<see cref="Check"/>). An entry of the AWS target's table
/// (<see cref="AwsKinds"/>, <see cref="AwsTarget.With"/>).</summary>
public sealed record AwsMapping(Func<Workload, AwsShape?> Shape) : IKindMapping
{
    public string Target => AwsTarget.TargetName;

    /// <summary>Failures of a workload of the kind with these AWS settings; none by default.</summary>
    public Func<Workload, AwsConfig, IEnumerable<ValidationFailure>> Check { get; init; } = (_, _) => [];

    /// <summary>The mapping of a kind whose record is <typeparamref name="TWorkload"/>: no shape (the kind is not
    /// planned) for a workload of another record.</summary>
    public static AwsMapping Of<TWorkload>(Func<TWorkload, AwsShape> shape) where TWorkload : Workload =>
        new(w => w is TWorkload workload ? shape(workload) : null);
}

/// <summary>Everything in which the kinds differ on AWS; the parts of the target read this and never the kind.</summary>
/// <param name="MinSize">The group's minimum size.</param>
/// <param name="MaxSize">The group's maximum size.</param>
public sealed record AwsShape(int MinSize, int MaxSize)
{
    /// <summary>A warm pool fed by a queue, between <paramref name="spare"/> and <paramref name="max"/> instances: the
    /// worker ends its own instance after its own cooldown (docs/scaling.md); the drain hook closes the race between
    /// "idle, so unprotected" and "just took a message".</summary>
    public static AwsShape WarmPool(Workload workload, int spare, int max, int cooldownSeconds) => new(spare, max)
    {
        Queue = new QueueScaling(max, spare, cooldownSeconds),
        DrainHook = UserData.DrainHook(workload),
        // The workers raise the group's desired capacity themselves (never lower it): reaction in seconds.
        WorkerEnv = [.. WorkerSidecar.WarmPoolEnv(spare, cooldownSeconds), QueueScaling.ScaleOutEnv],
    };

    /// <summary>One instance per message, at most <paramref name="max"/>: instances never die by scale-in, each ends
    /// itself after its one execution.</summary>
    public static AwsShape OneMessagePerWorker(int max) => new(0, max)
    {
        Queue = new QueueScaling(max, 0, null),
        RunsOnce = true,
        ProtectFromScaleIn = true,
        NoRebalance = true,
        WorkerEnv = WorkerSidecar.OneMessageEnv,
    };

    /// <summary>Work arrives through an SQS queue scaled on in-flight work (a queue, policies and alarms).</summary>
    public QueueScaling? Queue { get; init; }

    /// <summary>The lifecycle hook a terminating worker holds while it finishes (its name); its worker also manages
    /// its own group membership (protection, the per-worker cooldown).</summary>
    public string? DrainHook { get; init; }

    /// <summary>The worker sidecar's variables of this kind (see <see cref="WorkerSidecar.Env"/>).</summary>
    public IReadOnlyList<(string Name, string Value)> WorkerEnv { get; init; } = [];

    /// <summary>An instance runs its container once, then ends itself and lowers the desired capacity.</summary>
    public bool RunsOnce { get; init; }

    /// <summary>Instances are protected from scale-in.</summary>
    public bool ProtectFromScaleIn { get; init; }

    /// <summary>Never two at once: a replacement terminates the old instance before launching the new one.</summary>
    public bool OneAtATime { get; init; }

    /// <summary>AZ rebalancing, which launches before it terminates, is suspended.</summary>
    public bool NoRebalance { get; init; }

    /// <summary>Instances take a new launch template version through a rolling instance refresh.</summary>
    public bool RollingRefresh { get; init; }

    /// <summary>Replicas behind an Application Load Balancer.</summary>
    public LoadBalanced? LoadBalancer { get; init; }

    /// <summary>Average CPU utilisation (0..1) that target tracking holds.</summary>
    public double? CpuTarget { get; init; }

    /// <summary>A scheduled action that starts one run per occurrence.</summary>
    public ScheduledRun? Schedule { get; init; }
}

/// <summary>A load-balanced HTTP port: the container's port, its health check, and the certificate for HTTPS (null:
/// plain HTTP; may be unknown).</summary>
public sealed record LoadBalanced(int Port, string HealthCheckPath, PropertyValue? CertificateArn)
{
    /// <summary>The load balancer has private addresses only (scheme "internal").</summary>
    public bool Internal { get; init; }

    /// <summary>IPv4 CIDR blocks the load balancer takes HTTP(S) from; null: anywhere, or the private ranges when
    /// internal.</summary>
    public PropertyValue? SourceRanges { get; init; }

    /// <summary>The S3 bucket of the access logs (null: none) and their key prefix (null: the bucket's root).</summary>
    public PropertyValue? AccessLogBucket { get; init; }

    public PropertyValue? AccessLogPrefix { get; init; }
}

/// <summary>A cron schedule in a time zone.</summary>
public sealed record ScheduledRun(string Cron, string TimeZone)
{
    public override string ToString() => $"{Cron} ({TimeZone})";
}
