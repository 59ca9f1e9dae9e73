using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>The five Multinode workload kinds; each is one component resource token.</summary>
public enum WorkloadKind
{
    Function,
    Job,
    Service,
    ScheduledTask,
    Daemon,
}

public static class WorkloadKinds
{
    public const string Package = "multinode";

    public static string Token(this WorkloadKind kind) => $"{Package}:index:{kind}";

    public static WorkloadKind? FromToken(string token) =>
        Enum.GetValues<WorkloadKind>().Cast<WorkloadKind?>().FirstOrDefault(k => k!.Value.Token() == token);
}

/// <summary>CPU, memory and GPUs of one worker.</summary>
public sealed record ResourceRequest(double Cpu, Memory Memory, GpuRequest? Gpu)
{
    public static readonly ResourceRequest Default = new(1, Memory.Parse("2Gi"), null);
}

/// <summary>
/// What every workload runs. Image, command, args, env and tags pass straight into child resources, so they
/// may be unknown during preview or secret; everything that decides the shape of the plan is a known value.
/// </summary>
public sealed record Container(
    PropertyValue Image,
    PropertyValue? Command,
    PropertyValue? Args,
    PropertyMap Env,
    int TimeoutSeconds,
    PropertyMap Tags,
    IReadOnlyList<string> InstanceTypes)
{
    public const int DefaultTimeoutSeconds = 300;
}

/// <summary>A validated workload declaration with every default filled in.</summary>
public abstract record Workload(string Name, Container Container, ResourceRequest Resources)
{
    public abstract WorkloadKind Kind { get; }

    /// <summary>The most workers this workload can run at once: the figure quotas and worst-case cost use.</summary>
    public abstract int MaxWorkers { get; }

    /// <summary>How to name this workload in messages: <c>Function "square"</c>.</summary>
    public string Label => $"{Kind} \"{Name}\"";

    /// <summary>The kind's own settings, in schema order.</summary>
    protected abstract IEnumerable<(string, PropertyValue)> KindSettings();

    /// <summary>Every resolved setting (defaults filled in), in schema order; what `multinode plan` shows.</summary>
    public PropertyMap Settings()
    {
        var resources = new PropertyMap(
            ("cpu", Resources.Cpu),
            ("memory", Resources.Memory.ToString()),
            ("gpu", Resources.Gpu is { } gpu
                ? PropertyValue.From(new PropertyMap(("type", gpu.Type.Name()), ("count", gpu.Count)))
                : null));
        var common = new (string, PropertyValue?)[]
        {
            ("image", Container.Image),
            ("command", Container.Command),
            ("args", Container.Args),
            ("env", Container.Env),
            ("resources", resources),
            ("timeoutSeconds", Container.TimeoutSeconds),
            ("tags", Container.Tags),
            ("instanceTypes", Container.InstanceTypes.Count > 0 ? PropertyValue.Strings(Container.InstanceTypes) : null),
        };
        return new PropertyMap([.. common, .. KindSettings().Select(s => (s.Item1, (PropertyValue?)s.Item2))]);
    }
}

/// <summary>A warm pool: desired = min(maxWorkers, in-flight + spareWorkers).</summary>
public sealed record FunctionWorkload(string Name, Container Container, ResourceRequest Resources,
    int MaxWorkersLimit, int SpareWorkers, int CooldownPeriod) : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => WorkloadKind.Function;
    public override int MaxWorkers => MaxWorkersLimit;

    protected override IEnumerable<(string, PropertyValue)> KindSettings() =>
        [("maxWorkers", MaxWorkersLimit), ("spareWorkers", SpareWorkers), ("cooldownPeriod", CooldownPeriod)];
}

/// <summary>One fresh worker per execution, at most maxConcurrency at once.</summary>
public sealed record JobWorkload(string Name, Container Container, ResourceRequest Resources,
    int MaxConcurrency) : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => WorkloadKind.Job;
    public override int MaxWorkers => MaxConcurrency;

    protected override IEnumerable<(string, PropertyValue)> KindSettings() => [("maxConcurrency", MaxConcurrency)];
}

/// <summary>Identical replicas behind a load balancer, scaled on average CPU.</summary>
public sealed record ServiceWorkload(string Name, Container Container, ResourceRequest Resources,
    int MinReplicas, int MaxReplicas, double TargetCpuUtilization, int Port, string HealthCheckPath)
    : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => WorkloadKind.Service;
    public override int MaxWorkers => MaxReplicas;

    /// <summary>AWS: the ACM certificate the load balancer serves HTTPS with; null for plain HTTP. May be unknown.</summary>
    public PropertyValue? CertificateArn { get; init; }

    protected override IEnumerable<(string, PropertyValue)> KindSettings() =>
    [
        ("minReplicas", MinReplicas), ("maxReplicas", MaxReplicas),
        ("targetCpuUtilization", TargetCpuUtilization), ("port", Port), ("healthCheckPath", HealthCheckPath),
        .. CertificateArn is { } arn ? [("certificateArn", arn)] : Array.Empty<(string, PropertyValue)>(),
    ];
}

/// <summary>One fresh worker per cron occurrence.</summary>
public sealed record ScheduledTaskWorkload(string Name, Container Container, ResourceRequest Resources,
    string Schedule, string TimeZone) : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => WorkloadKind.ScheduledTask;
    public override int MaxWorkers => 1;

    protected override IEnumerable<(string, PropertyValue)> KindSettings() =>
        [("schedule", Schedule), ("timeZone", TimeZone)];
}

/// <summary>Exactly one process, replaced on failure, never two at once.</summary>
public sealed record DaemonWorkload(string Name, Container Container, ResourceRequest Resources)
    : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => WorkloadKind.Daemon;
    public override int MaxWorkers => 1;

    protected override IEnumerable<(string, PropertyValue)> KindSettings() => [];
}
