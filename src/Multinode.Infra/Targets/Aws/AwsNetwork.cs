using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Targets.Aws.AwsChildren;

namespace Multinode.Infra.Targets.Aws;

/// <summary>The workload's security groups, in the configured VPC (<see cref="AwsConfig.VpcId"/>); the subnets are
/// the group's and the load balancer's (<see cref="AwsConfig.SubnetIds"/>).</summary>
internal static class AwsNetwork
{
    /// <summary>The one port instances may connect to with <c>aws.egress = restricted</c>.</summary>
    public const int HttpsPort = 443;

    private static readonly PropertyValue Anywhere = PropertyValue.Strings(["0.0.0.0/0"]);
    private static readonly PropertyValue AnywhereIpv6 = PropertyValue.Strings(["::/0"]);

    /// <summary>The instances' group (egress only; a load-balanced port from its load balancer alone) and, when load
    /// balanced, the load balancer's. Descriptions, which AWS cannot change in place, depend on kind and name only.</summary>
    public static (string Instances, string? LoadBalancer) SecurityGroups(AwsChildren c)
    {
        var allOutbound = c.Aws.Block is { } unknown
            // The whole multinode:aws block is unknown in preview: so is the egress choice.
            ? PropertyValue.UnknownFrom("aws.egress", unknown)
            : c.Aws.EgressRestricted
            // aws.egress = restricted: HTTPS only, what the boot script, the worker and the Docker daemon use (EC2 Auto
            // Scaling, SQS, SSM, ECR and S3 for its layers, public registries, dnf's repositories). DNS to the VPC
            // resolver, instance metadata and the Time Sync Service need no rule: security groups do not filter them
            // (Amazon VPC User Guide, "Security groups", security group basics).
            ? List(Obj(("description", "HTTPS outbound only (multinode:aws.egress = restricted)"), ("protocol", "tcp"),
                ("fromPort", HttpsPort), ("toPort", HttpsPort),
                ("cidrBlocks", Anywhere), ("ipv6CidrBlocks", AnywhereIpv6)))
            : List(Obj(("description", "all outbound"), ("protocol", "-1"), ("fromPort", 0), ("toPort", 0),
                ("cidrBlocks", Anywhere), ("ipv6CidrBlocks", AnywhereIpv6)));
        if (c.Shape.LoadBalancer is not { } balanced)
        {
            return (c.Add(AwsTypes.SecurityGroup, "sg", new PropertyMap(
                ("namePrefix", PhysicalNames.SecurityGroupPrefixFor($"{c.Name}-sg")),
                ("description", $"Multinode {c.Kind} {c.Name}: instances, egress only"),
                ("vpcId", c.Aws.VpcId),
                ("ingress", List()),
                ("egress", allOutbound),
                ("tags", c.Tags))), null);
        }
        var lbSg = c.Add(AwsTypes.SecurityGroup, "lb-sg", new PropertyMap(
            ("namePrefix", PhysicalNames.SecurityGroupPrefixFor($"{c.Name}-lb-sg")),
            ("description", balanced is { Internal: false, SourceRanges: null }
                ? $"Multinode {c.Kind} {c.Name}: load balancer, HTTP from anywhere"
                : $"Multinode {c.Kind} {c.Name}: load balancer, HTTP from the allowed ranges"),
            ("vpcId", c.Aws.VpcId),
            ("ingress", balanced.CertificateArn is null
                ? List(Ingress(balanced, "HTTP", AwsLoadBalancing.ListenerPort))
                : List(Ingress(balanced, "HTTP", AwsLoadBalancing.ListenerPort),
                    Ingress(balanced, "HTTPS", AwsLoadBalancing.HttpsPort))),
            // No inline egress: the one rule (below) names the instances' group, which names this one.
            ("tags", c.Tags)));
        var sg = c.Add(AwsTypes.SecurityGroup, "sg", new PropertyMap(
            ("namePrefix", PhysicalNames.SecurityGroupPrefixFor($"{c.Name}-sg")),
            ("description", $"Multinode {c.Kind} {c.Name}: instances, reachable only from the load balancer"),
            ("vpcId", c.Aws.VpcId),
            ("ingress", List(Obj(("description", "from the load balancer"), ("protocol", "tcp"), ("fromPort", balanced.Port), ("toPort", balanced.Port),
                ("securityGroups", List(Ref(lbSg, "id")))))),
            ("egress", allOutbound),
            ("tags", c.Tags)));
        // The load balancer reaches the replicas' port on the instances' group only, not the whole VPC.
        c.Add(AwsTypes.EgressRule, "lb-egress", new PropertyMap(
            ("securityGroupId", Ref(lbSg, "id")),
            ("description", "to the replica port of the instances group only"),
            ("ipProtocol", "tcp"),
            ("fromPort", balanced.Port),
            ("toPort", balanced.Port),
            ("referencedSecurityGroupId", Ref(sg, "id")),
            ("tags", c.Tags)));
        return (sg, lbSg);
    }

    /// <summary>The load balancer's listener <paramref name="port"/> open to its sources: the given IPv4 blocks (the
    /// load balancer's address type is ipv4, so IPv6 sources never reach it), else the private ranges when it is
    /// internal (its addresses are private: only its VPC and networks routed to it reach them), else
    /// anywhere.</summary>
    private static PropertyValue Ingress(LoadBalanced balanced, string what, int port)
    {
        var (from, sources) = (balanced.SourceRanges, balanced.Internal) switch
        {
            ({ } given, _) => ("the allowed ranges", given),
            (null, true) => ("the private ranges", PropertyValue.Strings(Cidrs.Private)),
            _ => ("anywhere", Anywhere),
        };
        return Obj(("description", $"{what} from {from}"), ("protocol", "tcp"), ("fromPort", port), ("toPort", port),
            ("cidrBlocks", sources),
            ("ipv6CidrBlocks", balanced is { Internal: false, SourceRanges: null } ? AnywhereIpv6 : null));
    }
}
