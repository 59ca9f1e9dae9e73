using Multinode.Contracts;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>Identical replicas behind a load balancer, scaled on average CPU.</summary>
public sealed record ServiceWorkload(string Name, Container Container, ResourceRequest Resources,
    int MinReplicas, int MaxReplicas, double TargetCpuUtilization, int Port, string HealthCheckPath)
    : Workload(Name, Container, Resources), ILoadBalanced, IScalesWithLoad
{
    public override WorkloadKind Kind => ServiceKind.Instance;
    public override int MaxWorkers => MaxReplicas;

    /// <summary>AWS: the ACM certificate the load balancer serves HTTPS with; null for plain HTTP. May be unknown.</summary>
    public PropertyValue? CertificateArn { get; init; }

    /// <summary>AWS: "internet-facing" (the default) or "internal", the load balancer's scheme.</summary>
    public string LoadBalancerScheme { get; init; } = ServiceKind.InternetFacing;

    /// <summary>AWS: IPv4 CIDR blocks the load balancer accepts HTTP(S) from; null for the scheme's default. May be
    /// unknown.</summary>
    public PropertyValue? LoadBalancerSourceRanges { get; init; }

    /// <summary>AWS: the S3 bucket (and key prefix) the load balancer writes access logs to; null for none.</summary>
    public PropertyValue? AccessLogBucket { get; init; }

    public PropertyValue? AccessLogPrefix { get; init; }

    /// <summary>Demand is CPU cores: enough replicas to hold targetCpuUtilization, within min..max.</summary>
    public int[] Ideal(double[] demand) =>
        [.. demand.Select(d => Math.Clamp(Demand.Whole(d / (Resources.Cpu * TargetCpuUtilization)), MinReplicas, MaxReplicas))];
}

/// <summary>The Service kind.</summary>
public sealed partial class ServiceKind : WorkloadKind<ServiceWorkload>
{
    public static ServiceKind Instance { get; } = new();

    private ServiceKind() { }

    public const string InternetFacing = "internet-facing";
    public const string Internal = "internal";

    [System.Text.RegularExpressions.GeneratedRegex("^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$")]
    private static partial System.Text.RegularExpressions.Regex CertificateArn();

    public override string Name => "Service";

    public override string Description =>
        "Identical replicas behind a load balancer, minReplicas..maxReplicas, scaled to hold the average CPU at targetCpuUtilization and spread over failure domains.";

    private static readonly IntegerInput<ServiceWorkload> MinReplicas = Integer(
        new("minReplicas", InputType.Integer, "Fewest replicas (at most maxReplicas).") { Default = 2, Min = 1, Max = WorkloadLimits.MaxWorkers },
        s => s.MinReplicas);

    private static readonly IntegerInput<ServiceWorkload> MaxReplicas = Integer(
        new("maxReplicas", InputType.Integer, "Most replicas.") { Default = 10, Min = 1, Max = WorkloadLimits.MaxWorkers },
        s => s.MaxReplicas);

    private static readonly NumberInput<ServiceWorkload> TargetCpuUtilization = Number(
        new("targetCpuUtilization", InputType.Number, "Average CPU utilisation (0.05 to 0.95) the replicas are scaled to hold.") { Default = 0.5, Min = 0.05, Max = 0.95 },
        s => s.TargetCpuUtilization);

    private static readonly IntegerInput<ServiceWorkload> Port = Integer(WorkloadInputs.Port, s => s.Port);

    private static readonly TextInput<ServiceWorkload> HealthCheckPath = Text(
        new("healthCheckPath", InputType.String, "HTTP path that answers 2xx when a replica is ready.")
        {
            Default = "/",
            Check = p => p.StartsWith('/') && p.Length <= 1024 && !p.Any(char.IsWhiteSpace) ? null : "must be a URL path starting with \"/\" without spaces",
        },
        s => s.HealthCheckPath);

    private static readonly ValueInput<ServiceWorkload> Certificate = Value(
        new("certificateArn", InputType.String, "AWS only: ACM certificate for the load balancer. With it the Service is served over HTTPS on 443 (TLS 1.2/1.3 policy) and HTTP on 80 redirects there; without it the Service is plain HTTP on 80.")
        {
            PassThrough = true,
            Check = a => CertificateArn().IsMatch(a) ? null : "is not an ACM certificate ARN such as \"arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-...\"",
        },
        s => s.CertificateArn);

    private static readonly TextInput<ServiceWorkload> Scheme = Text(
        new("loadBalancerScheme", InputType.String, "AWS only: \"internet-facing\" (public addresses) or \"internal\" (private addresses, reachable only from the VPC and networks routed to it).")
        {
            Default = InternetFacing, Enum = [InternetFacing, Internal],
        },
        s => s.LoadBalancerScheme);

    private static readonly ValueInput<ServiceWorkload> SourceRanges = Value(
        new("loadBalancerSourceRanges", InputType.StringArray, "AWS only: IPv4 CIDR blocks the load balancer accepts HTTP and HTTPS from. Default: anywhere when internet-facing; the RFC 1918 private ranges when internal.") { PassThrough = true },
        s => s.LoadBalancerSourceRanges);

    private static readonly ValueInput<ServiceWorkload> AccessLogBucket = Value(
        new("accessLogBucket", InputType.String, "AWS only: S3 bucket (same region, with a policy that lets Elastic Load Balancing write) the load balancer writes access logs to; none by default.")
        {
            PassThrough = true, Check = BucketNames.Problem,
        },
        s => s.AccessLogBucket);

    private static readonly ValueInput<ServiceWorkload> AccessLogPrefix = Value(
        new("accessLogPrefix", InputType.String, "AWS only: key prefix of the access logs in accessLogBucket; the bucket's root by default.")
        {
            PassThrough = true, Check = BucketNames.PrefixProblem,
        },
        s => s.AccessLogPrefix);

    protected override IReadOnlyList<KindInput<ServiceWorkload>> Declare() =>
        [MinReplicas, MaxReplicas, TargetCpuUtilization, Port, HealthCheckPath, Certificate, Scheme, SourceRanges,
            AccessLogBucket, AccessLogPrefix];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children, WorkloadOutputs.Endpoint];

    public override void CheckRules(InputReader reader)
    {
        if (MinReplicas.Valid(reader) is { } min && MaxReplicas.Valid(reader) is { } max && min > max)
            reader.Fail(MinReplicas.Spec.Name,
                $"{MinReplicas.Spec.Name} = {min} is above the limit of {MaxReplicas.Spec.Name} = {max}");
        if (AccessLogPrefix.Read(reader) is not null && AccessLogBucket.Read(reader) is null)
            reader.Fail(AccessLogPrefix.Spec.Name, $"{AccessLogPrefix.Spec.Name} is set without " +
                $"{AccessLogBucket.Spec.Name}: name the bucket the logs go to");
        var name = SourceRanges.Spec.Name;
        var ranges = SourceRanges.Read(reader);
        var items = (ranges is SecretValue whole ? whole.Value : ranges) is ArrayValue a ? a.Items : [];
        for (var i = 0; i < items.Count; i++)
        {
            var secret = ranges is SecretValue || items[i] is SecretValue;
            if ((items[i] is SecretValue s ? s.Value : items[i]) is StringValue { Value: var cidr } &&
                Cidrs.Ipv4Problem(cidr) is { } problem)
                reader.Fail($"{name}[{i}]", $"{name}[{i}] = " +
                    (secret ? $"{PropertyValue.SecretText} {Cidrs.Expected}" : $"{items[i].Display()} {problem}"));
        }
    }

    protected override ServiceWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, MinReplicas.Read(reader), MaxReplicas.Read(reader), TargetCpuUtilization.Read(reader),
            Port.Read(reader), HealthCheckPath.Read(reader))
        {
            CertificateArn = Certificate.Read(reader),
            LoadBalancerScheme = Scheme.Read(reader),
            LoadBalancerSourceRanges = SourceRanges.Read(reader),
            AccessLogBucket = AccessLogBucket.Read(reader),
            AccessLogPrefix = AccessLogPrefix.Read(reader),
        };
}
