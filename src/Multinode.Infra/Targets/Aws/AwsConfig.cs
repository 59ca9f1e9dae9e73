using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>AWS settings (<c>multinode:aws</c>). Subnet, VPC and security group ids may be unknown during preview.
/// <paramref name="VpcId"/> is the VPC of the subnets, where every security group and a Service's target group go:
/// the configured one, else the one the provider looked up from the first subnet, else unknown (the offline CLI).</summary>
public sealed record AwsConfig(PropertyValue SubnetIds, int? KnownSubnetCount, PropertyValue? AmiId,
    PropertyValue? SecurityGroupIds, PropertyValue? KeyName, string Region, PropertyValue VpcId) : TargetConfig
{
    public const string DefaultRegion = "us-east-1";

    /// <summary><c>aws.egress</c>: instances may open connections anywhere (the default), or HTTPS only
    /// (<see cref="AwsNetwork"/>, docs/aws.md).</summary>
    public const string OpenEgress = "open";
    public const string RestrictedEgress = "restricted";

    /// <summary>Outbound connections of the instances are HTTPS (443) only.</summary>
    public bool EgressRestricted { get; init; }

    /// <summary>The whole block as given when it is unknown (preview): the egress choice is unknown too, made of it.</summary>
    public PropertyValue? Block { get; init; }

    /// <summary>The <c>multinode:aws</c> block.</summary>
    public static readonly InputSpec Spec = new("aws", InputType.Object, "AWS settings; required when target is aws.")
    {
        Properties =
        [
            new("subnetIds", InputType.StringArray, "Subnets the Auto Scaling groups (and a Service's load balancer) use; at least two for a Service.") { PassThrough = true },
            new("amiId", InputType.String, "AMI to launch instead of the ECS-optimized Amazon Linux 2023 image from AWS's public SSM parameter.") { PassThrough = true },
            new("securityGroupIds", InputType.StringArray, "Extra security groups attached to every instance.") { PassThrough = true },
            new("keyName", InputType.String, "EC2 key pair for SSH access; none by default.") { PassThrough = true },
            new("region", InputType.String, "Region whose prices the catalog uses.") { Default = DefaultRegion },
            new("egress", InputType.String, "Outbound connections the instances may open: \"open\" (anywhere, any port) or \"restricted\" (TCP 443 only, which AWS's APIs, ECR, SQS, SSM and public registries use; DNS, instance metadata and time sync are not filtered by security groups).")
            {
                Default = OpenEgress, Enum = [OpenEgress, RestrictedEgress],
            },
            new("vpcId", InputType.String, "VPC of the subnets, where the security groups and a Service's target group go. Default: the VPC of the first subnet, looked up through the engine (aws:ec2/getSubnet:getSubnet); unknown offline.") { PassThrough = true },
        ],
    };

    /// <summary>The block's own rules: subnets are required (and not none) when AWS is the target.
    /// <paramref name="unknownBlock"/>: the block as given when it was unknown as a whole (<see cref="UnknownSettings"/>).</summary>
    public static AwsConfig? Read(InputReader reader, bool chosen, PropertyValue? unknownBlock = null)
    {
        if (!chosen) return null;
        var subnets = reader.Get("aws.subnetIds");
        if (subnets is null && reader.Failures.All(f => !f.Path.StartsWith("aws", StringComparison.Ordinal)))
            reader.Fail("aws.subnetIds", "aws.subnetIds is required when target = \"aws\" (the subnets the groups run in)");
        else if (subnets is ArrayValue { Items.Count: 0 } or SecretValue { Value: ArrayValue { Items.Count: 0 } })
            reader.Fail("aws.subnetIds", "aws.subnetIds = [] must name at least one subnet");
        return subnets is null
            ? null
            // A secret list's length is not secret: the Service rule counts it as it counts a plain one.
            : new AwsConfig(subnets, (subnets is SecretValue secret ? secret.Value : subnets) is ArrayValue a ? a.Items.Count : null,
                reader.Get("aws.amiId"), reader.Get("aws.securityGroupIds"), reader.Get("aws.keyName"),
                reader.String("aws.region") ?? DefaultRegion, reader.Get("aws.vpcId") ?? VpcOfFirstSubnet(subnets))
            {
                EgressRestricted = reader.String("aws.egress") == RestrictedEgress,
                Block = unknownBlock,
            };
    }

    /// <summary>The keys a whole unknown block stands for: those the plan passes through, each unknown, so preview
    /// registers the children the update does (which keys were set, and to what, is known only then). The egress
    /// choice, an inline input of the security groups, is unknown through <see cref="Block"/>.</summary>
    public static PropertyMap UnknownSettings(PropertyValue block) => new(
        ("subnetIds", PropertyValue.UnknownFrom("aws.subnetIds", block)),
        ("vpcId", PropertyValue.UnknownFrom("aws.vpcId", block)),
        ("amiId", PropertyValue.UnknownFrom("aws.amiId", block)),
        ("securityGroupIds", PropertyValue.UnknownFrom("aws.securityGroupIds", block)),
        ("keyName", PropertyValue.UnknownFrom("aws.keyName", block)));

    /// <summary>The invoke that finds a subnet's VPC when <c>aws.vpcId</c> is left out (the provider makes it).</summary>
    public const string GetSubnet = "aws:ec2/getSubnet:getSubnet";

    /// <summary>The default VPC, unknown offline: the <c>vpcId</c> of <see cref="GetSubnet"/> for the first subnet, so
    /// that the same first subnet gives the same VPC in a diff.</summary>
    public static PropertyValue VpcOfFirstSubnet(PropertyValue subnets) =>
        PropertyValue.UnknownFrom(GetSubnet + ".vpcId",
            subnets is ArrayValue { Items: [var first, ..] } ? first : PropertyValue.UnknownFrom("[0]", subnets));

    public override IEnumerable<KeyValuePair<string, PropertyValue>> Settings() =>
        new (string Key, PropertyValue? Value)[]
        {
            ("aws.subnetIds", SubnetIds),
            ("aws.vpcId", VpcId),
            ("aws.amiId", AmiId),
            ("aws.securityGroupIds", SecurityGroupIds),
            ("aws.keyName", KeyName),
            ("aws.region", Region),
            ("aws.egress", Block is not null ? PropertyValue.UnknownFrom("aws.egress", Block)
                : EgressRestricted ? RestrictedEgress : OpenEgress),
        }.Where(s => s.Value is not null).Select(s => KeyValuePair.Create(s.Key, s.Value!));
}
