using System.Globalization;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Workloads;

/// <summary>S3 general purpose bucket names, as a Service's access-log bucket (Amazon S3 User Guide, "General purpose
/// bucket naming rules"), and the key prefix Elastic Load Balancing takes (ELB User Guide, "Access logs", bucket
/// requirements: the prefix must not include "AWSLogs").</summary>
public static partial class BucketNames
{
    public const int MinLength = 3;
    public const int MaxLength = 63;

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex Shape();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex IpAddress();

    /// <summary>Prefixes and suffixes S3 reserves for other names (access points, Multi-Region Access Points,
    /// directory and table buckets, demo names).</summary>
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <summary>What is wrong with <paramref name="name"/> as a bucket name (the end of a failure sentence), or
    /// null.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is < MinLength or > MaxLength)
            return $"is {name.Length} characters long; an S3 bucket name has {MinLength} to {MaxLength}";
        if (!Shape().IsMatch(name))
            return "is not an S3 bucket name: lowercase letters, digits, '.' and '-' only, " +
                "starting and ending with a letter or digit";
        if (name.Contains("..", StringComparison.Ordinal))
            return "is not an S3 bucket name: it has two adjacent periods";
        if (IpAddress().IsMatch(name))
            return "is not an S3 bucket name: it is formatted as an IP address";
        if (ReservedPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
            return $"is not an S3 bucket name: the prefix \"{prefix}\" is reserved by S3";
        if (ReservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix)
            return $"is not an S3 bucket name: the suffix \"{suffix}\" is reserved by S3";
        return null;
    }

    /// <summary>The longest prefix taken: an S3 object key is at most 1,024 bytes (Amazon S3 User Guide, "Naming
    /// objects"), and Elastic Load Balancing appends its own path after it.</summary>
    public const int MaxPrefixLength = 1024;

    /// <summary>What is wrong with an access-log key prefix, or null.</summary>
    public static string? PrefixProblem(string prefix)
    {
        if (prefix.Contains("AWSLogs", StringComparison.Ordinal))
            return "includes \"AWSLogs\", which Elastic Load Balancing adds after the prefix itself and refuses in it";
        if (System.Text.Encoding.UTF8.GetByteCount(prefix) > MaxPrefixLength)
            return $"is above the limit of {MaxPrefixLength} bytes of an S3 object key";
        return null;
    }
}

/// <summary>IPv4 CIDR blocks as EC2 security group rules take them.</summary>
public static class Cidrs
{
    /// <summary>The RFC 1918 private address ranges: the default sources of an internal load balancer.</summary>
    public static readonly IReadOnlyList<string> Private = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

    public const string Expected = "is not an IPv4 CIDR block such as \"10.0.0.0/16\" (address/prefix length 0 to 32)";

    /// <summary>What is wrong with <paramref name="cidr"/> as an IPv4 CIDR block (the end of a failure sentence), or
    /// null.</summary>
    public static string? Ipv4Problem(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return Expected;
        var octets = cidr[..slash].Split('.');
        if (octets.Length != 4 || octets.Any(o => o.Length is 0 or > 3 || !o.All(char.IsAsciiDigit) ||
            int.Parse(o, CultureInfo.InvariantCulture) > 255))
            return Expected;
        var length = cidr[(slash + 1)..];
        if (length.Length is 0 or > 2 || !length.All(char.IsAsciiDigit) ||
            int.Parse(length, CultureInfo.InvariantCulture) > 32)
            return Expected;
        // Security group rules take the network address only (terraform-provider-aws, on which @pulumi/aws is built,
        // validates cidr_blocks with ValidIPv4CIDRNetworkAddress).
        var bits = int.Parse(length, CultureInfo.InvariantCulture);
        var address = octets.Aggregate(0u, (a, o) => (a << 8) | uint.Parse(o, CultureInfo.InvariantCulture));
        var network = bits == 0 ? 0u : address & (uint.MaxValue << (32 - bits));
        if (network != address)
        {
            var block = string.Join('.', new[] { 24, 16, 8, 0 }.Select(s => (network >> s) & 255));
            return $"has host bits set; the block is \"{block}/{bits}\"";
        }
        return null;
    }
}
