using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>Least privilege and safe defaults, checked on every shipped program planned on AWS.</summary>
public sealed partial class AwsTargetTests
{
    /// <summary>Every shipped program on AWS (the root program whatever its configured target).</summary>
    public static IEnumerable<(string Name, Plan Plan)> ShippedPlansOnAws()
    {
        foreach (var file in Repo.Programs())
        {
            var (program, _) = ProgramLoader.Load(file, null, KindRegistry.Default);
            if (program.Config.Get("target") is not StringValue { Value: "aws" }) continue;
            var result = Planner.Plan(program, KindRegistry.Default);
            Assert.True(result.IsValid, $"{file}: {string.Join("\n", result.Failures)}");
            yield return (file, result.Value!);
        }
    }

    private static IEnumerable<PlannedResource> AllChildren() =>
        ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads).SelectMany(w => w.Resources);

    [Fact]
    public void ShippedPrograms_IncludeEveryKindOnAws()
    {
        var kinds = ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads).Select(w => w.Workload.Kind.Name).Distinct();
        Assert.Equal(Multinode.Infra.Workloads.WorkloadKinds.All.Select(k => k.Name).Order(), kinds.Order());
    }

    [Fact]
    public void RolePolicies_UseWildcardResourceOnlyForActionsWithoutResourceLevelPermissions()
    {
        var statements = AllChildren().Where(r => r.Type == "aws:iam/rolePolicy:RolePolicy")
            .SelectMany(r => ((ArrayValue)r.At("policy.Statement")).Items).ToList();
        Assert.NotEmpty(statements);
        foreach (var statement in statements)
        {
            var resource = statement.At("Resource");
            // The one denial (docs/aws.md) grants nothing: a policy with nothing to allow says the instances pass no role.
            if (statement.At("Effect") is StringValue { Value: "Deny" })
            {
                Assert.Equal(PropertyValue.Strings(["iam:PassRole"]), statement.At("Action"));
                continue;
            }
            if (resource is StringValue { Value: "*" })
            {
                // The documented exceptions (docs/aws.md): actions without resource-level permissions.
                Assert.Contains(statement.At("Action"), new[]
                {
                    PropertyValue.Strings(["ecr:GetAuthorizationToken"]),
                    PropertyValue.Strings(["autoscaling:DescribeAutoScalingGroups"]),
                });
            }
            else if (resource is StringValue { Value: var text } && text.Contains('*', StringComparison.Ordinal))
            {
                Assert.Fail($"a wildcard resource other than \"*\": {text}");
            }
            else if (resource is InterpolationValue)
            {
                // Replies go to the caller's queue, scoped by its name, to this queue's region and the role's own
                // account (docs/aws.md): never another account's or region's queue.
                Assert.Equal(PropertyValue.Strings(["sqs:SendMessage"]), statement.At("Action"));
            }
            Assert.DoesNotContain("*", ((ArrayValue)statement.At("Action")).Items.Select(a => ((StringValue)a).Value).SelectMany(a => a.Split(':')[1..]));
        }
        Assert.Contains(statements, s => s.Find("Resource") is StringValue { Value: "*" });
    }

    [Fact]
    public void RolePolicies_ScopeEveryOtherStatementToTheWorkloadsOwnResources()
    {
        foreach (var workload in ShippedPlansOnAws().SelectMany(p => p.Plan.Workloads))
        {
            var own = workload.Resources.Select(r => r.Name).ToHashSet();
            foreach (var policy in workload.Resources.Where(r => r.Type == "aws:iam/rolePolicy:RolePolicy"))
            {
                foreach (var statement in ((ArrayValue)policy.At("policy.Statement")).Items)
                {
                    switch (statement.At("Resource"))
                    {
                        case ReferenceValue r: Assert.Contains(r.Resource, own); break;
                        case StringValue { Value: "*" }: break;
                        case InterpolationValue { Parts: [StringValue { Value: "arn:aws:sqs:" }, ReferenceValue { Property: "region" } queue,
                            StringValue { Value: Multinode.Infra.Targets.Aws.AwsIdentity.ReplyQueuesInOwnAccount }]}:
                            Assert.Contains(queue.Resource, own);
                            break;
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
            Assert.Equal("required", lt.Text("metadataOptions.httpTokens"));
            Assert.Equal("enabled", lt.Text("metadataOptions.httpEndpoint"));
            // Only the host (boot script, worker sidecar on the host network) reaches the instance role.
            Assert.Equal(1, lt.Number("metadataOptions.httpPutResponseHopLimit"));
            var devices = ((ArrayValue)lt.At("blockDeviceMappings")).Items;
            Assert.NotEmpty(devices);
            Assert.All(devices, d => Assert.Equal(PropertyValue.From("true"), d.At("ebs.encrypted")));
            Assert.Null(lt.Find("networkInterfaces"));
        }
    }

    [Fact]
    public void SecurityGroups_OpenNothingToTheInternetButTheLoadBalancerListener()
    {
        foreach (var sg in AllChildren().Where(r => r.Type == "aws:ec2/securityGroup:SecurityGroup"))
        {
            foreach (var rule in ((ArrayValue)sg.At("ingress")).Items)
            {
                if (rule.Find("cidrBlocks") is null) continue;
                Assert.EndsWith("-lb-sg", sg.Name, StringComparison.Ordinal);
                // HTTP, and HTTPS for a Service with a certificate.
                Assert.Contains(rule.At("fromPort"), new[] { PropertyValue.From(80), PropertyValue.From(443) });
                Assert.Equal(rule.At("fromPort"), rule.At("toPort"));
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
            Assert.Matches(allowed, sg.Text("description"));
            foreach (var rule in ((ArrayValue)sg.At("ingress")).Items.Concat((sg.Find("egress") as ArrayValue)?.Items ?? []))
                Assert.Matches(allowed, ((StringValue)rule.At("description")).Value);
        }
        foreach (var rule in AllChildren().Where(r => r.Type == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"))
            Assert.Matches(allowed, rule.Text("description"));
    }

    [Fact]
    public void Service_LoadBalancerReachesOnlyTheInstancesGroup()
    {
        var plan = AwsPlanning.PlanOne("api: { type: \"multinode:index:Service\", properties: { image: img, port: 9000 } }");
        Assert.Null(plan.Child("api-lb-sg").Find("egress"));
        var egress = plan.Child("api-lb-egress");
        Assert.Equal(PropertyValue.Reference("api-lb-sg", "id"), egress.At("securityGroupId"));
        Assert.Equal(PropertyValue.Reference("api-sg", "id"), egress.At("referencedSecurityGroupId"));
        Assert.Equal(PropertyValue.From(9000), egress.At("fromPort"));
    }

    [Theory]
    [InlineData("Function")]
    [InlineData("Service")]
    [InlineData("Daemon")]
    public void LaunchTemplate_MetadataHopLimitIsOne(string kind)
    {
        var plan = AwsPlanning.PlanOne($"w: {{ type: \"multinode:index:{kind}\", properties: {{ image: img }} }}");
        Assert.Equal(PropertyValue.From(1), plan.Child("w-lt").At("metadataOptions.httpPutResponseHopLimit"));
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
        Assert.Equal("SecureString", parameter.Text("type"));
        Assert.Equal(PropertyValue.Secret("TOKEN=s3cr3t-value\n"), parameter.At("value"));
        var lt = plan.Child("embed-lt");
        var script = lt.UserDataText();
        Assert.DoesNotContain("s3cr3t", script, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN", script, StringComparison.Ordinal);
        Assert.Contains("-e 'MODEL=small'", script, StringComparison.Ordinal);
        Assert.Contains("--with-decryption --name \"$(imds tags/instance/multinode:secrets-parameter)\"", script, StringComparison.Ordinal);
        var statements = ((ArrayValue)plan.Child("embed-policy").At("policy.Statement")).Items;
        Assert.Contains(statements, s => Equals(s.Find("Resource"), new ReferenceValue("embed-secrets", "arn")) &&
            Equals(s.Find("Action"), PropertyValue.Strings(["ssm:GetParameter"])));
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
        Assert.Equal(["""Daemon "d": env.KEY = [secret] contains a line break; on AWS secret values reach the container as Docker env-file lines, one per variable"""], failures);
    }

    [Fact]
    public void Plan_UserDataAboveSixteenKilobytes_FailsNamingTheBulk()
    {
        var failures = AwsPlanning.Failures($$"""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                env:
                  BIG: "{{new string('x', 13000)}}"
            """);
        // 13,000 bytes of env and the script around them, base64: about 18 KB.
        Assert.Matches("""^Daemon "d": the instance boot script would be 18[0-9]{3} bytes after base64, above EC2's user data limit of 16384 \(16 KB\); it carries the image, command, args and plain env values: shorten them, or mark large env values secret, which moves them into the SSM parameter$""",
            Assert.Single(failures));
    }

    [Fact]
    public void Plan_SecretEnvAboveEightKilobytes_Fails()
    {
        var failures = AwsPlanning.Failures($$"""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                env:
                  BIG: { "fn::secret": "{{new string('x', 13000)}}" }
            """);
        Assert.Equal(["""Daemon "d": the secret env values take 13005 bytes as env-file lines, above the 8192 bytes (8 KB) an SSM parameter holds"""], failures);
    }

    [Fact]
    public void Plan_MidSizeSecretEnv_UsesTheAdvancedParameterTier()
    {
        var plan = AwsPlanning.PlanOne($$"""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                env:
                  BIG: { "fn::secret": "{{new string('x', 6000)}}" }
            """);
        var parameter = plan.Resources.Single(r => r.Type == "aws:ssm/parameter:Parameter");
        Assert.Equal(PropertyValue.From("Advanced"), parameter.Inputs["tier"]);
        Assert.Equal(["value"], parameter.Options.AdditionalSecretOutputs);
    }

    [Fact]
    public void Plan_TagValueAbove256Characters_Fails()
    {
        var failures = AwsPlanning.Failures($$"""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                tags:
                  team: "{{new string('t', 300)}}"
            """);
        Assert.Equal([$"Daemon \"d\": tags.team = \"{new string('t', 100)}\"… (300 characters) is 300 characters long, above AWS's limit of 256 for a tag value"], failures);
    }

    [Fact]
    public void Plan_NoSecretEnv_PlansNoParameter()
    {
        var plan = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: img, env: { A: b } } }");
        Assert.DoesNotContain(plan.Resources, r => r.Type == "aws:ssm/parameter:Parameter");
        // The policy is there whatever the image (preview registers what update does), allowing nothing.
        var policy = Assert.Single(plan.Resources, r => r.Type == "aws:iam/rolePolicy:RolePolicy");
        var statement = Assert.Single(((ArrayValue)policy.At("policy.Statement")).Items);
        Assert.Equal(PropertyValue.From("Deny"), statement.At("Effect"));
    }
}
