using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The names AWS gives children, and the explicit <c>name</c> or <c>namePrefix</c> a child gets where the name Pulumi
/// would make from its logical name breaks that service's rules. Pulumi names a child it is given no name for
/// <c>logical-name-xxxxxxx</c> (a hyphen and 7 random characters: <see cref="AutoNameSuffix"/>); a child whose
/// autoname already fits keeps it, so existing stacks see no change, and only names AWS would refuse get one.
/// </summary>
internal static class PhysicalNames
{
    /// <summary>What Pulumi's autonaming appends to a logical name: "-" and 7 random characters.</summary>
    public const int AutoNameSuffix = 8;

    /// <summary>Load balancer and target group names: at most 32 characters, letters, digits and hyphens, not starting
    /// or ending with a hyphen; a load balancer's not starting with "internal-" (Elastic Load Balancing API reference,
    /// CreateLoadBalancer and CreateTargetGroup, Name).</summary>
    public const int ElbNameLength = 32;

    /// <summary>The longest <c>namePrefix</c> of <c>aws.lb.LoadBalancer</c> and <c>aws.lb.TargetGroup</c>: the
    /// provider appends a 26-character unique id (<see cref="UniqueIdLength"/>), so 32 − 26.</summary>
    public const int ElbPrefixLength = 6;

    /// <summary>What the provider appends to a <c>namePrefix</c> (Terraform's <c>id.UniqueIDSuffixLength</c>).</summary>
    public const int UniqueIdLength = 26;

    /// <summary>A load balancer's name may not start with this (CreateLoadBalancer, Name).</summary>
    public const string InternalPrefix = "internal-";

    /// <summary>A security group's name may not start with this (EC2 API reference, CreateSecurityGroup, GroupName).</summary>
    public const string SecurityGroupPrefix = "sg-";

    /// <summary>A parameter's name may not start with these, in any case (Systems Manager API reference, PutParameter, Name).</summary>
    public static readonly string[] ParameterPrefixes = ["aws", "ssm"];

    /// <summary>What names that would start with a forbidden prefix start with instead.</summary>
    public const string Lead = "multinode-";

    /// <summary>The <c>namePrefix</c> of a load balancer or target group <paramref name="child"/> whose autoname would be
    /// too long or (a load balancer) start with "internal-": the workload name's first letters, within
    /// <see cref="ElbPrefixLength"/>; null when the autoname fits.</summary>
    public static PropertyValue? ElbPrefix(string child, bool loadBalancer)
    {
        var internalName = loadBalancer && child.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase);
        if (child.Length + AutoNameSuffix <= ElbNameLength && !internalName) return null;
        return child[..Math.Min(child.Length, ElbPrefixLength - 1)].TrimEnd('-') + "-";
    }

    /// <summary>The <c>namePrefix</c> of a security group whose autoname would start with "sg-"; null otherwise.</summary>
    public static PropertyValue? SecurityGroupPrefixFor(string child) =>
        child.StartsWith(SecurityGroupPrefix, StringComparison.OrdinalIgnoreCase) ? PropertyValue.From($"{Lead}{child}-") : null;

    /// <summary>The <c>name</c> of a parameter whose autoname would start with "aws" or "ssm"; null otherwise. Stable:
    /// it changes only with the workload's name, which gives the child another URN anyway.</summary>
    public static PropertyValue? ParameterName(string child) =>
        ParameterPrefixes.Any(p => child.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ? PropertyValue.From(Lead + child) : null;
}
