using Multinode.Contracts;
using System.Globalization;
using Multinode.Infra.Values;
using static Multinode.Infra.Targets.Aws.AwsChildren;

namespace Multinode.Infra.Targets.Aws;

/// <summary>An Application Load Balancer in front of a load-balanced group: target group, load balancer, an HTTP
/// listener and, with a certificate, an HTTPS one (HTTP then only redirects).</summary>
internal static class AwsLoadBalancing
{
    /// <summary>The Application Load Balancer's fixed hourly price in us-east-1 (LCUs are usage-based and not counted).</summary>
    public const decimal PricePerHour = 0.0225m;

    /// <summary>The listener port clients reach a Service on over HTTP (redirected to HTTPS when a certificate is given).</summary>
    public const int ListenerPort = 80;

    /// <summary>The HTTPS listener port of a Service with a certificate.</summary>
    public const int HttpsPort = 443;

    /// <summary>The load balancer's TLS policy: TLS 1.3 and 1.2 with forward-secret ciphers only, AWS's recommended
    /// policy for HTTPS listeners.</summary>
    public const string TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    /// <summary>The longest idle timeout an Application Load Balancer takes; a Service's timeoutSeconds is validated
    /// against it.</summary>
    public const int MaxIdleTimeoutSeconds = PlatformLimits.AlbMaxIdleTimeoutSeconds;

    /// <summary>An Application Load Balancer's idle timeout when none is set.</summary>
    public const int DefaultIdleTimeoutSeconds = 60;

    /// <summary>The load balancer's idle timeout: at least the Service's timeoutSeconds, so a request that sends
    /// nothing while it works is not cut (HTTP 504); never below AWS's default.</summary>
    public static int IdleTimeoutSeconds(int timeoutSeconds) => Math.Max(DefaultIdleTimeoutSeconds, timeoutSeconds);

    public static (string TargetGroup, string LoadBalancer) Plan(AwsChildren c, LoadBalanced balanced, string lbSg)
    {
        var tg = c.Add(AwsTypes.TargetGroup, "tg", new PropertyMap(
            ("namePrefix", PhysicalNames.ElbPrefix($"{c.Name}-tg", loadBalancer: false)),
            ("port", balanced.Port),
            ("protocol", "HTTP"),
            ("targetType", "instance"),
            ("vpcId", c.Aws.VpcId),
            // Connection draining: a replica leaving keeps its requests for up to timeoutSeconds (ALB allows 3600).
            ("deregistrationDelay", Math.Min(3600, c.Workload.Container.TimeoutSeconds)),
            ("healthCheck", Obj(
                ("enabled", true), ("path", balanced.HealthCheckPath), ("protocol", "HTTP"), ("port", "traffic-port"),
                ("matcher", "200-399"), ("interval", 15), ("timeout", 5), ("healthyThreshold", 2), ("unhealthyThreshold", 3))),
            ("tags", c.Tags)));
        var lb = c.Add(AwsTypes.LoadBalancer, "lb", new PropertyMap(
            ("namePrefix", PhysicalNames.ElbPrefix($"{c.Name}-lb", loadBalancer: true)),
            ("loadBalancerType", "application"),
            ("internal", balanced.Internal),
            ("subnets", c.Aws.SubnetIds),
            ("securityGroups", List(Ref(lbSg, "id"))),
            ("dropInvalidHeaderFields", true),
            ("idleTimeout", IdleTimeoutSeconds(c.Workload.Container.TimeoutSeconds)),
            // The access_logs.s3.enabled, .bucket and .prefix attributes (ELBv2 API Reference,
            // LoadBalancerAttribute); absent, the load balancer writes none (AWS's default).
            ("accessLogs", balanced.AccessLogBucket is { } bucket
                ? Obj(("bucket", bucket), ("enabled", true), ("prefix", balanced.AccessLogPrefix))
                : null),
            ("tags", c.Tags)));
        var forward = List(Obj(("type", "forward"), ("targetGroupArn", Ref(tg, "arn"))));
        // With a certificate, HTTP only redirects: nothing is ever served in the clear.
        c.Add(AwsTypes.Listener, "http", new PropertyMap(
            ("loadBalancerArn", Ref(lb, "arn")),
            ("port", ListenerPort),
            ("protocol", "HTTP"),
            ("defaultActions", balanced.CertificateArn is null
                ? forward
                : List(Obj(("type", "redirect"), ("redirect", Obj(
                    ("port", HttpsPort.ToString(CultureInfo.InvariantCulture)), ("protocol", "HTTPS"), ("statusCode", "HTTP_301")))))),
            ("tags", c.Tags)));
        if (balanced.CertificateArn is { } certificate)
        {
            c.Add(AwsTypes.Listener, "https", new PropertyMap(
                ("loadBalancerArn", Ref(lb, "arn")),
                ("port", HttpsPort),
                ("protocol", "HTTPS"),
                ("sslPolicy", TlsPolicy),
                ("certificateArn", certificate),
                ("defaultActions", forward),
                ("tags", c.Tags)));
        }
        return (tg, lb);
    }

    /// <summary>The plan's facts about the listeners and the load balancer's own price.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Facts(LoadBalanced balanced) =>
    [
        new("listener", balanced.CertificateArn is null
            ? $"plain HTTP on :{ListenerPort} (no certificateArn: traffic is not encrypted)"
            : $"HTTPS on :{HttpsPort} ({TlsPolicy}); HTTP :{ListenerPort} redirects to HTTPS"),
        new("load balancer", (balanced.Internal
            ? "internal (private addresses only), from " + Sources(balanced, "the RFC 1918 private ranges")
            : "internet-facing, from " + Sources(balanced, "anywhere")) +
            (balanced.AccessLogBucket is { } bucket
                ? $"; access logs to s3://{Shown(bucket)}/{(balanced.AccessLogPrefix is { } p ? Shown(p) + "/" : "")}"
                : "")),
        new("load balancer per hour", $"{Numbers.Dollars(PricePerHour)} (included; LCU charges are not)"),
    ];

    private static string Sources(LoadBalanced balanced, string otherwise) =>
        balanced.SourceRanges is { } ranges ? Shown(ranges) : otherwise;

    /// <summary>A value as the plan's facts show it: text plain, lists joined, secrets and unknowns as such.</summary>
    private static string Shown(PropertyValue value) => value switch
    {
        StringValue s => s.Value,
        ArrayValue { Items: var items } => string.Join(", ", items.Select(Shown)),
        _ => value.Display(),
    };
}
