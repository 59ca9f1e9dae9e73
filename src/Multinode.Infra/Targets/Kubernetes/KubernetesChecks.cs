using System.Text.RegularExpressions;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// What Kubernetes accepts as names, label keys and values, and the AWS identifiers the SQS queue needs. Each check
/// returns the end of a failure sentence (after "path = value"), or null when the text is fine, as
/// <see cref="Validation.InputSpec.Check"/> expects.
/// </summary>
public static partial class KubernetesChecks
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:([0-9]{1,5})$")]
    private static partial Regex HostPortPattern();

    [GeneratedRegex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")]
    private static partial Regex AwsRegionPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$")]
    private static partial Regex RoleArnPattern();

    public static string? Namespace(string text) =>
        text.Length <= 63 && DnsLabel().IsMatch(text)
            ? null
            : "is not a namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)";

    /// <summary>Names of Secrets and service accounts: DNS subdomains.</summary>
    public static string? ObjectName(string text) =>
        text.Length <= 253 && DnsSubdomain().IsMatch(text)
            ? null
            : "is not a Kubernetes object name (at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)";

    public static string? SecretKey(string text) =>
        text.Length <= 253 && SecretKeyPattern().IsMatch(text)
            ? null
            : "is not a Secret key (letters, digits, '-', '_' and '.' only)";

    /// <summary>A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static string? LabelKey(string text)
    {
        const string Allowed = "is not a Kubernetes label key (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var (prefix, name) = slash < 0 ? (null, text) : (text[..slash], text[(slash + 1)..]);
        if (prefix is not null && (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix))) return Allowed;
        return name.Length is > 0 and <= 63 && LabelName().IsMatch(name) ? null : Allowed;
    }

    public static string? LabelValue(string text) =>
        text.Length == 0 || (text.Length <= 63 && LabelName().IsMatch(text))
            ? null
            : "is not a Kubernetes label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty)";

    public static string? HostPort(string text) =>
        HostPortPattern().Match(text) is { Success: true } m && int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535
            ? null
            : "is not host:port, e.g. \"redis:6379\" or \"redis.queues.svc.cluster.local:6379\"";

    public static string? AwsRegion(string text) =>
        AwsRegionPattern().IsMatch(text) ? null : "is not an AWS region such as \"us-east-1\"";

    public static string? AwsAccountId(string text) =>
        AccountIdPattern().IsMatch(text) ? null : "is not a 12-digit AWS account id";

    public static string? RoleArn(string text) =>
        RoleArnPattern().IsMatch(text) ? null : "is not an IAM role ARN such as \"arn:aws:iam::123456789012:role/keda-sqs\"";
}
