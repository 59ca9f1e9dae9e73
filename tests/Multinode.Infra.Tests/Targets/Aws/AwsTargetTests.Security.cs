using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>Least privilege and safe defaults, checked on every shipped program planned on AWS.</summary>
public sealed partial class AwsTargetTests
{
    /// <summary>Every shipped program on AWS (the root program whatever its configured target).</summary>
    public static IEnumerable<(string Name, Plan Plan)> ShippedPlansOnAws()
    {
        foreach (var file in Repo.Programs())
        {
            var (program, _) = ProgramLoader.Load(file, null);
            if (program.Config.Get("target") is not StringValue { Value: "aws" }) continue;
            var result = Planner.Plan(program);
            Assert.True(result.IsValid, $"{file}: {string.Join("\n", result.Failures)}");
            yield return (file, result.Value!);
        }
    }

    private static IEnumerable<PlannedResource> AllChildren() =>
        ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads).SelectMany(w => w.Resources);

    [Fact]
    public void ShippedPrograms_IncludeEveryKindOnAws()
    {
        var kinds = ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads).Select(w => w.Workload.Kind).Distinct();
        Assert.Equal(Enum.GetValues<Multinode.Infra.Workloads.WorkloadKind>().Order(), kinds.Order());
    }

    [Fact]
    public void RolePolicies_UseWildcardResourceOnlyForEcrLogin()
    {
        var statements = AllChildren().Where(r => r.Type == "aws:iam/rolePolicy:RolePolicy")
            .SelectMany(r => ((ArrayValue)r.At("policy.Statement")!).Items).ToList();
        Assert.NotEmpty(statements);
        foreach (var statement in statements)
        {
            var resource = AwsPlanning.At(statement, "Resource");
            if (resource is StringValue { Value: var text } && text.Contains('*', StringComparison.Ordinal))
            {
                // The one documented exception (docs/aws.md): GetAuthorizationToken has no resource-level permissions.
                Assert.Equal(PropertyValue.Strings(["ecr:GetAuthorizationToken"]), AwsPlanning.At(statement, "Action"));
            }
            Assert.DoesNotContain("*", ((ArrayValue)AwsPlanning.At(statement, "Action")!).Items.Select(a => ((StringValue)a).Value).SelectMany(a => a.Split(':')[1..]));
        }
        Assert.Contains(statements, s => AwsPlanning.At(s, "Resource") is StringValue { Value: "*" });
    }

    [Fact]
    public void RolePolicies_ScopeEveryOtherStatementToTheWorkloadsOwnResources()
    {
        foreach (var workload in ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads))
        {
            var own = workload.Resources.Select(r => r.Name).ToHashSet();
            foreach (var policy in workload.Resources.Where(r => r.Type == "aws:iam/rolePolicy:RolePolicy"))
            {
                foreach (var statement in ((ArrayValue)policy.At("policy.Statement")!).Items)
                {
                    switch (AwsPlanning.At(statement, "Resource"))
                    {
                        case ReferenceValue r: Assert.Contains(r.Resource, own); break;
                        case StringValue { Value: "*" }: break;
                        case StringValue s: Assert.StartsWith("arn:aws:ecr:", s.Value, StringComparison.Ordinal); break;
                        case var other: Assert.Fail($"{policy.Name}: unexpected resource {other?.ToJson()}"); break;
                    }
                }
            }
        }
    }

    [Fact]
    public void LaunchTemplates_RequireImdsV2AndEncryptEveryVolume()
    {
        var templates = AllChildren().Where(r => r.Type == "aws:ec2/launchTemplate:LaunchTemplate").ToList();
        Assert.NotEmpty(templates);
        foreach (var lt in templates)
        {
            Assert.Equal("required", lt.String("metadataOptions.httpTokens"));
            Assert.Equal("enabled", lt.String("metadataOptions.httpEndpoint"));
            var devices = ((ArrayValue)lt.At("blockDeviceMappings")!).Items;
            Assert.NotEmpty(devices);
            Assert.All(devices, d => Assert.Equal(PropertyValue.From("true"), AwsPlanning.At(d, "ebs.encrypted")));
            Assert.Null(lt.At("networkInterfaces"));
        }
    }

    [Fact]
    public void SecurityGroups_OpenNothingToTheInternetButTheLoadBalancerListener()
    {
        foreach (var sg in AllChildren().Where(r => r.Type == "aws:ec2/securityGroup:SecurityGroup"))
        {
            foreach (var rule in ((ArrayValue)sg.At("ingress")!).Items)
            {
                if (AwsPlanning.At(rule, "cidrBlocks") is null) continue;
                Assert.EndsWith("-lb-sg", sg.Name, StringComparison.Ordinal);
                // HTTP, and HTTPS for a Service with a certificate.
                Assert.Contains(AwsPlanning.At(rule, "fromPort"), new[] { PropertyValue.From(80), PropertyValue.From(443) });
                Assert.Equal(AwsPlanning.At(rule, "fromPort"), AwsPlanning.At(rule, "toPort"));
            }
        }
    }

    [Fact]
    public void SecurityGroups_DescriptionsUseOnlyCharactersEc2Accepts()
    {
        // EC2 accepts a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* in group and rule descriptions.
        var allowed = new System.Text.RegularExpressions.Regex(@"^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]{1,255}$");
        foreach (var sg in AllChildren().Where(r => r.Type == "aws:ec2/securityGroup:SecurityGroup"))
        {
            Assert.Matches(allowed, sg.String("description"));
            foreach (var rule in ((ArrayValue)sg.At("ingress")!).Items.Concat(((ArrayValue)sg.At("egress")!).Items))
                Assert.Matches(allowed, ((StringValue)AwsPlanning.At(rule, "description")!).Value);
        }
    }

    [Fact]
    public void Queues_AreEncrypted()
    {
        var queues = AllChildren().Where(r => r.Type == "aws:sqs/queue:Queue").ToList();
        Assert.NotEmpty(queues);
        Assert.All(queues, q => Assert.Equal(PropertyValue.From(true), q.At("sqsManagedSseEnabled")));
    }

    [Fact]
    public void Plan_SecretEnv_GoesToSecureParameterNotUserData()
    {
        var plan = AwsPlanning.PlanOne("""
            embed:
              type: multinode:index:Function
              properties:
                image: img
                env:
                  MODEL: small
                  TOKEN: { "fn::secret": s3cr3t-value }
            """);
        var parameter = plan.Child("embed-secrets");
        Assert.Equal("SecureString", parameter.String("type"));
        Assert.Equal(PropertyValue.Secret("TOKEN=s3cr3t-value\n"), parameter.At("value"));
        var lt = plan.Child("embed-lt");
        var script = lt.UserDataText();
        Assert.DoesNotContain("s3cr3t", script, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN", script, StringComparison.Ordinal);
        Assert.Contains("-e 'MODEL=small'", script, StringComparison.Ordinal);
        Assert.Contains("--with-decryption --name \"$(imds tags/instance/multinode:secrets-parameter)\"", script, StringComparison.Ordinal);
        var statements = ((ArrayValue)plan.Child("embed-policy").At("policy.Statement")!).Items;
        Assert.Contains(statements, s => Equals(AwsPlanning.At(s, "Resource"), new ReferenceValue("embed-secrets", "arn")) &&
            Equals(AwsPlanning.At(s, "Action"), PropertyValue.Strings(["ssm:GetParameter"])));
    }

    [Fact]
    public void Plan_SecretEnvWithLineBreak_FailsWithoutShowingTheValue()
    {
        var failures = AwsPlanning.Failures("""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                env:
                  KEY: { "fn::secret": "line one\nline two" }
            """);
        Assert.Equal(["""Daemon "d": env.KEY = (secret) contains a line break; on AWS secret values reach the container as Docker env-file lines, one per variable"""], failures);
    }

    [Fact]
    public void Plan_NoSecretEnv_PlansNoParameter()
    {
        var plan = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: img, env: { A: b } } }");
        Assert.DoesNotContain(plan.Resources, r => r.Type == "aws:ssm/parameter:Parameter");
        Assert.DoesNotContain(plan.Resources, r => r.Type == "aws:iam/rolePolicy:RolePolicy");
    }
}
