using System.Text.RegularExpressions;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// The names AWS gives every child whose name becomes a physical name, for workload names of every valid length and
/// with each prefix a service forbids, checked against the rules of the AWS API references:
/// Elastic Load Balancing CreateLoadBalancer / CreateTargetGroup (Name: at most 32 characters, alphanumerics and
/// hyphens, not beginning or ending with a hyphen; a load balancer's not beginning with "internal-"), EC2
/// CreateSecurityGroup (GroupName: up to 255 characters, cannot start with "sg-"), Systems Manager PutParameter (Name:
/// at most 1011 characters, cannot be prefixed with "aws" or "ssm", case-insensitive). The names are what the
/// providers make: Pulumi's autonaming appends "-" and 7 random characters to the logical name; a namePrefix gets a
/// 26-character unique id (Terraform's id.UniqueIDSuffixLength), and aws.lb's namePrefix may hold at most 6
/// characters (pulumi-aws LoadBalancer / TargetGroup namePrefix docs).
/// </summary>
public sealed partial class PhysicalNamesTests
{
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex ElbName();

    /// <summary>What AWS names a planned child: its explicit name, its prefix and a unique id, or its autoname.</summary>
    private static string AwsName(PlannedResource child) => child.Inputs.Get("name") switch
    {
        StringValue name => name.Value,
        _ => child.Inputs.Get("namePrefix") is StringValue prefix
            ? prefix.Value + new string('0', 26)
            : child.Name + "-a1b2c3d",
    };

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        // Every length from 1 to the limit, in letters, digits and hyphens.
        for (var length = 1; length <= WorkloadReader.MaxNameLength; length++)
            names.Add(string.Concat(Enumerable.Range(0, length).Select(i => i == 0 ? 'a' : "b1-c"[i % 4])).TrimEnd('-').PadRight(length, 'z'));
        foreach (var name in new[] { "internal-api", "internal", "internalapi", "sg-agent", "sg", "aws-sync", "ssm-sync", "awssync", "ssm" })
        {
            names.Add(name);
            names.Add((name + "-" + new string('x', WorkloadReader.MaxNameLength))[..WorkloadReader.MaxNameLength]);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Plan_AnyValidWorkloadName_GivesNamesAwsAccepts(string name)
    {
        foreach (var kind in new[] { "Service", "Daemon" })
        {
            var plan = AwsPlanning.PlanOne($$"""
                {{name}}:
                  type: multinode:index:{{kind}}
                  properties:
                    image: img
                    env: { TOKEN: { "fn::secret": not-a-real-token } }
                """);
            var checkedTypes = new HashSet<string>();
            foreach (var child in plan.Resources)
            {
                var aws = AwsName(child);
                switch (child.Type)
                {
                    case "aws:lb/loadBalancer:LoadBalancer":
                        Assert.True(aws.Length <= 32 && ElbName().IsMatch(aws), $"{child.Name}: load balancer name {aws}");
                        Assert.False(aws.StartsWith("internal-", StringComparison.OrdinalIgnoreCase), $"{child.Name}: {aws}");
                        Assert.True(child.Inputs.Get("namePrefix") is not StringValue p || p.Value.Length <= 6, child.Name);
                        break;
                    case "aws:lb/targetGroup:TargetGroup":
                        Assert.True(aws.Length <= 32 && ElbName().IsMatch(aws), $"{child.Name}: target group name {aws}");
                        Assert.True(child.Inputs.Get("namePrefix") is not StringValue q || q.Value.Length <= 6, child.Name);
                        break;
                    case "aws:ec2/securityGroup:SecurityGroup":
                        Assert.True(aws.Length <= 255, aws);
                        Assert.False(aws.StartsWith("sg-", StringComparison.OrdinalIgnoreCase), $"{child.Name}: security group name {aws}");
                        break;
                    case "aws:ssm/parameter:Parameter":
                        Assert.True(aws.Length <= 1011, aws);
                        Assert.False(aws.StartsWith("aws", StringComparison.OrdinalIgnoreCase) ||
                            aws.StartsWith("ssm", StringComparison.OrdinalIgnoreCase), $"{child.Name}: parameter name {aws}");
                        break;
                    default:
                        continue;
                }
                checkedTypes.Add(child.Type);
            }
            Assert.Equal(kind == "Service" ? 4 : 2, checkedTypes.Count);
        }
    }

    [Fact]
    public void Plan_NamesThatAlreadyFit_KeepTheirAutonames()
    {
        // A stack deployed before names were given sees no change: only a name AWS would refuse gets one.
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties: { image: img, env: { TOKEN: { "fn::secret": t } } }
            """);
        Assert.All(plan.Resources, r => Assert.Null(r.Inputs.Get("namePrefix")));
        Assert.All(plan.Resources.Where(r => r.Type != "aws:autoscaling/lifecycleHook:LifecycleHook"),
            r => Assert.Null(r.Inputs.Get("name")));
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstu", null)] // 21 + "-lb" + 8 = 32: fits
    [InlineData("abcdefghijklmnopqrstuv", "abcde-")] // 22: one too many
    [InlineData("internal-api", "inter-")]
    [InlineData("abcd-fghijklmnopqrstuvw", "abcd-")] // the prefix does not end in two hyphens
    public void Plan_LoadBalancer_GetsAPrefixExactlyWhenItsAutonameBreaksARule(string name, string? prefix)
    {
        var plan = AwsPlanning.PlanOne($$"""
            {{name}}:
              type: multinode:index:Service
              properties: { image: img }
            """);
        var lb = plan.Resources.Single(r => r.Type == "aws:lb/loadBalancer:LoadBalancer");
        Assert.Equal(prefix is null ? null : PropertyValue.From(prefix), lb.Inputs.Get("namePrefix"));
    }
}
