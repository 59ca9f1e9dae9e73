using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary><c>multinode:aws.egress</c>: open (the default) or restricted to HTTPS. What restricted must still allow
/// comes from AWS's documentation, not from the plan: every AWS API the instances call (EC2 Auto Scaling, SQS, SSM,
/// ECR, S3) is an HTTPS endpoint on 443 (AWS General Reference, "AWS service endpoints"), and security groups do not
/// filter traffic to the Amazon DNS server, instance metadata or the Time Sync Service (Amazon VPC User Guide,
/// "Security groups", security group basics), so those need no rule.</summary>
public sealed class AwsEgressTests
{
    private const string Programs = """
        fn:
          type: multinode:index:Function
          properties: { image: img }
        job:
          type: multinode:index:Job
          properties: { image: img }
        api:
          type: multinode:index:Service
          properties: { image: img }
        nightly:
          type: multinode:index:ScheduledTask
          properties: { image: img, schedule: "0 3 * * *" }
        agent:
          type: multinode:index:Daemon
          properties: { image: img }
        """;

    private static IEnumerable<(string Workload, ObjectValue Rule)> InstanceEgress(string config)
    {
        var result = AwsPlanning.Plan(Programs, config);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        foreach (var plan in result.Value!.Workloads)
        {
            var sg = plan.Child($"{plan.Workload.Name}-sg");
            foreach (var rule in ((ArrayValue)sg.At("egress")).Items) yield return (plan.Workload.Name, (ObjectValue)rule);
        }
    }

    [Fact]
    public void Restricted_EveryKindsInstances_MayOnlyOpenHttpsConnections()
    {
        var rules = InstanceEgress(AwsPlanning.Config + "\n  egress: restricted").ToList();
        Assert.Equal(["agent", "api", "fn", "job", "nightly"], rules.Select(r => r.Workload).Order());
        foreach (var (workload, rule) in rules)
        {
            Assert.Equal(("tcp", 443.0, 443.0), (((StringValue)rule.Map["protocol"]).Value,
                ((NumberValue)rule.Map["fromPort"]).Value, ((NumberValue)rule.Map["toPort"]).Value));
            Assert.Equal(PropertyValue.Strings(["0.0.0.0/0"]), rule.Map["cidrBlocks"]);
            Assert.Equal(PropertyValue.Strings(["::/0"]), rule.Map["ipv6CidrBlocks"]);
        }
    }

    [Fact]
    public void Open_IsTheDefault_AllProtocolsAnywhere()
    {
        foreach (var config in new[] { AwsPlanning.Config, AwsPlanning.Config + "\n  egress: open" })
        {
            foreach (var (_, rule) in InstanceEgress(config))
                Assert.Equal("-1", ((StringValue)rule.Map["protocol"]).Value);
        }
    }

    [Fact]
    public void Restricted_LeavesTheLoadBalancersOwnRuleAlone()
    {
        // The load balancer's one egress rule reaches the replicas' port on the instances' group (docs/aws.md).
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties: { image: img, port: 8080 }
            """, AwsPlanning.Config + "\n  egress: restricted");
        Assert.Equal(8080, (int)plan.Child("api-lb-egress").Number("fromPort"));
    }

    [Fact]
    public void Egress_OtherValue_FailsListingTheChoices()
    {
        var failures = AwsPlanning.Failures("""
            fn:
              type: multinode:index:Function
              properties: { image: img }
            """, AwsPlanning.Config + "\n  egress: closed");
        Assert.Contains(failures, f => f.Contains("aws.egress = \"closed\" is not one of open, restricted", StringComparison.Ordinal));
    }
}
