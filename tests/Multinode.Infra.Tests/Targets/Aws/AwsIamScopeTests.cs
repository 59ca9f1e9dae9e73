using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// Reads every planned IAM role policy of every kind on AWS, with and without each optional feature that changes a
/// policy (secret env, an image in ECR — plain or secret, the worker's image in ECR, a Service's certificate, internal
/// load balancer and access logs, restricted egress), two workloads of each kind per program, and fails when a
/// statement grants an action on another account's, another region's or another workload's resources.
/// </summary>
/// <remarks>
/// ARN formats from the Service Authorization Reference ("Resource types defined by" each service): SQS queue
/// <c>arn:${Partition}:sqs:${Region}:${Account}:${QueueName}</c>, ECR repository
/// <c>arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}</c>. An ECR image's registry is
/// <c>aws_account_id.dkr.ecr.region.amazonaws.com</c> (Amazon ECR User Guide, "Private registry concepts").
/// </remarks>
public sealed class AwsIamScopeTests
{
    /// <summary>The only actions a policy may grant on <c>"Resource": "*"</c>: those the Service Authorization
    /// Reference lists with no resource type (so AWS accepts no other value), neither of them a write.</summary>
    private static readonly Dictionary<string, string> StarOnly = new(StringComparer.Ordinal)
    {
        // "Actions defined by Amazon Elastic Container Registry": GetAuthorizationToken, access level Read, no
        // resource types.
        ["ecr:GetAuthorizationToken"] = "Read",
        // "Actions defined by Amazon EC2 Auto Scaling": DescribeAutoScalingGroups, access level List, no resource types.
        ["autoscaling:DescribeAutoScalingGroups"] = "List",
    };

    private const string Ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0";
    private const string WorkerEcr = "210987654321.dkr.ecr.us-west-2.amazonaws.com/multinode/worker:2.0";
    private const string Certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

    private static readonly (string Kind, PropertyMap Own)[] Kinds =
    [
        ("Function", PropertyMap.Empty),
        ("Job", PropertyMap.Empty),
        ("Service", PropertyMap.Empty),
        ("ScheduledTask", new(("schedule", "0 3 * * *"))),
        ("Daemon", PropertyMap.Empty),
    ];

    /// <summary>Each variant: a name, the inputs every workload gets, the config's extra keys.</summary>
    private static readonly (string Name, Func<string, PropertyMap> Inputs, PropertyMap Config)[] Variants =
    [
        ("plain", _ => new(("image", "nginx:1.27")), PropertyMap.Empty),
        ("secret env", _ => new(("image", "nginx:1.27"), ("env", new PropertyMap(("TOKEN", PropertyValue.Secret("s3cr3t"))))), PropertyMap.Empty),
        ("image in ECR", _ => new(("image", Ecr)), PropertyMap.Empty),
        ("secret image in ECR, secret env", _ => new(("image", PropertyValue.Secret(Ecr)),
            ("env", new PropertyMap(("TOKEN", PropertyValue.Secret("s3cr3t"))))), PropertyMap.Empty),
        ("worker image in ECR, restricted egress", _ => new(("image", "nginx:1.27")),
            new(("workerImage", WorkerEcr))),
        ("every Service option", kind => kind == "Service"
            ? new(("image", Ecr), ("certificateArn", Certificate), ("loadBalancerScheme", "internal"),
                ("accessLogBucket", "example-logs"), ("loadBalancerSourceRanges", PropertyValue.Strings(["10.0.0.0/16"])))
            : new(("image", Ecr)), new(("workerImage", WorkerEcr))),
    ];

    public static TheoryData<string> VariantNames() => [.. Variants.Select(v => v.Name)];

    private static IEnumerable<WorkloadPlan> Plans(string variant)
    {
        var (_, inputs, extra) = Variants.Single(v => v.Name == variant);
        var declarations = Kinds.SelectMany(k => new[] { "a", "b" }.Select(prefix =>
            new ResourceDeclaration($"{prefix}-{k.Kind.ToLowerInvariant()}", $"multinode:index:{k.Kind}",
                new PropertyMap(inputs(k.Kind).Concat(k.Own)))));
        var aws = new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a", "subnet-b"])), ("vpcId", "vpc-1"),
            ("egress", variant.Contains("restricted", StringComparison.Ordinal) ? "restricted" : "open"));
        var config = new PropertyMap(new[] { KeyValuePair.Create("target", (PropertyValue)"aws"), KeyValuePair.Create("aws", (PropertyValue)aws) }
            .Concat(extra));
        var result = Planner.Plan(new ProgramDeclaration([.. declarations], config), KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal(WorkloadKinds.All.Count * 2, result.Value!.Workloads.Count);
        return result.Value.Workloads;
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void EveryPolicyStatement_GrantsOnlyOnTheWorkloadsOwnResources_InItsOwnAccountAndRegion(string variant)
    {
        var allowed = 0;
        foreach (var plan in Plans(variant))
        {
            var own = plan.Resources.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            var images = ImagesOf(plan);
            var policy = Assert.Single(plan.Resources, r => r.Type == "aws:iam/rolePolicy:RolePolicy");
            var statements = Unsecret(policy.At("policy.Statement"));
            Assert.IsType<ArrayValue>(statements);
            foreach (var statement in ((ArrayValue)statements).Items)
            {
                var where = $"{variant}: {plan.Workload.Name}: {statement.ToJson()}";
                if (statement.At("Effect") is StringValue { Value: "Deny" }) continue;
                allowed++;
                var actions = ((ArrayValue)statement.At("Action")).Items.Select(a => ((StringValue)a).Value).ToList();
                Assert.True(actions.All(a => !a.Contains('*', StringComparison.Ordinal)), $"{where}: a wildcard action");
                var resources = Unsecret(statement.At("Resource")) is ArrayValue list ? list.Items : [Unsecret(statement.At("Resource"))];
                foreach (var resource in resources.Select(Unsecret))
                    CheckResource(resource, actions, own, images, where);
            }
        }
        Assert.True(allowed > 0, $"{variant}: no Allow statement was read");
    }

    private static void CheckResource(PropertyValue resource, IReadOnlyList<string> actions, HashSet<string> own,
        IReadOnlyList<string> images, string where)
    {
        switch (resource)
        {
            case StringValue { Value: "*" }:
                Assert.True(actions.All(StarOnly.ContainsKey), $"{where}: \"*\" for an action that has resource-level permissions");
                break;
            case ReferenceValue r:
                Assert.True(own.Contains(r.Resource), $"{where}: {r.Resource} is not a child of this workload");
                break;
            case StringValue { Value: var arn }:
                // A literal ARN is the repository of an image this workload pulls, in that image's account and region.
                var expected = images.Select(RepositoryArn).OfType<string>().ToList();
                Assert.True(expected.Contains(arn), $"{where}: {arn} is none of this workload's image repositories ({string.Join(", ", expected)})");
                Assert.DoesNotContain('*', arn);
                break;
            case InterpolationValue { Parts: var parts }:
                // Placeholders for the references (never containing ':'), then the six ARN segments.
                var text = string.Concat(parts.Select(p => p switch
                {
                    StringValue s => s.Value.Replace("${aws:PrincipalAccount}", "<principal-account>", StringComparison.Ordinal),
                    ReferenceValue r when own.Contains(r.Resource) => $"<{r.Property} of own child>",
                    var other => throw new Xunit.Sdk.XunitException($"{where}: part {other.ToJson()} is no own child's output"),
                }));
                var segments = text.Split(':', 6);
                Assert.Equal(6, segments.Length);
                Assert.Equal(("arn", "aws"), (segments[0], segments[1]));
                Assert.DoesNotContain('*', segments[2]);
                // Region: an own child's region output; account: the calling role's own (IAM policy variable).
                Assert.Equal("<region of own child>", segments[3]);
                Assert.Equal("<principal-account>", segments[4]);
                // A name pattern is allowed only after a fixed name prefix (the reply queues' convention).
                var star = segments[5].IndexOf('*', StringComparison.Ordinal);
                Assert.True(star < 0 || (star == segments[5].Length - 1 && star >= "multinode-".Length),
                    $"{where}: the resource part {segments[5]} is not a fixed name or a fixed prefix");
                Assert.Equal(["sqs:SendMessage"], actions);
                break;
            default:
                Assert.Fail($"{where}: resource {resource.ToJson()} cannot be read as an ARN");
                break;
        }
    }

    /// <summary>The repository ARN of an ECR image, from its registry host and path; null for other registries.</summary>
    private static string? RepositoryArn(string image)
    {
        var host = image.Split('/')[0].Split('.');
        if (host is not [var account, "dkr", "ecr", var region, "amazonaws", "com"]) return null;
        var repository = image[(image.IndexOf('/', StringComparison.Ordinal) + 1)..].Split('@')[0];
        var colon = repository.LastIndexOf(':');
        return $"arn:aws:ecr:{region}:{account}:repository/{(colon < 0 ? repository : repository[..colon])}";
    }

    private static IReadOnlyList<string> ImagesOf(WorkloadPlan plan)
    {
        var image = Unsecret(plan.Workload.Container.Image) is StringValue s ? s.Value : "";
        return plan.Workload is IQueueWorkload ? [image, WorkerEcr] : [image];
    }

    private static PropertyValue Unsecret(PropertyValue value) => value is SecretValue s ? s.Value : value;
}
