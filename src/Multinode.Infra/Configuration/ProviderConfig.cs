using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Configuration;

/// <summary>Where workloads are deployed.</summary>
public enum Target
{
    Aws,
    Kubernetes,
}

/// <summary>AWS settings (<c>multinode:aws</c>). Subnet, VPC and security group ids may be unknown during preview.
/// <paramref name="VpcId"/> is the VPC of the subnets: a Service's target group needs it; without it security groups
/// land in the account's default VPC.</summary>
public sealed record AwsConfig(PropertyValue SubnetIds, int? KnownSubnetCount, PropertyValue? AmiId,
    PropertyValue? SecurityGroupIds, PropertyValue? KeyName, string Region, PropertyValue? VpcId = null);

/// <summary>The queue functions and jobs read from on Kubernetes.</summary>
public enum QueueKind
{
    Redis,
    AwsSqs,
}

/// <summary>Kubernetes settings (<c>multinode:kubernetes</c>).</summary>
public sealed record KubernetesConfig(string Namespace, QueueKind QueueKind, string? QueueAddress, string? QueueRegion,
    string GpuNodeLabel);

/// <summary>Totals at maximum scale over all workloads (<c>multinode:quotas</c>).</summary>
public sealed record Quotas(double? Cpu, Memory? Memory, int? Gpu);

/// <summary>The provider's configuration, validated, defaults filled in.</summary>
public sealed record ProviderConfig(Target Target, AwsConfig? Aws, KubernetesConfig Kubernetes, Quotas Quotas, double? MaxHourlyCost);

/// <summary>Declares and reads the <c>multinode:*</c> configuration keys.</summary>
public static class ProviderConfigReader
{
    public const string Resource = "provider config";

    public static readonly IReadOnlyList<InputSpec> Inputs =
    [
        new("target", InputType.String, "Where workloads are deployed.") { Required = true, Enum = ["aws", "kubernetes"] },
        new("aws", InputType.Object, "AWS settings; required when target is aws.")
        {
            Properties =
            [
                new("subnetIds", InputType.StringArray, "Subnets the Auto Scaling groups (and a Service's load balancer) use; at least two for a Service.") { PassThrough = true },
                new("amiId", InputType.String, "AMI to launch instead of the ECS-optimized Amazon Linux 2023 image from AWS's public SSM parameter.") { PassThrough = true },
                new("securityGroupIds", InputType.StringArray, "Extra security groups attached to every instance.") { PassThrough = true },
                new("keyName", InputType.String, "EC2 key pair for SSH access; none by default.") { PassThrough = true },
                new("region", InputType.String, "Region whose prices the catalog uses.") { Default = "us-east-1" },
                new("vpcId", InputType.String, "VPC of the subnets. Required for a Service (its target group and security groups); without it the other kinds' security groups go into the account's default VPC.") { PassThrough = true },
            ],
        },
        new("kubernetes", InputType.Object, "Kubernetes settings.")
        {
            Properties =
            [
                new("namespace", InputType.String, "Namespace of every workload.") { Default = "default" },
                new("queue", InputType.Object, "Queue that functions and jobs read their work from.")
                {
                    Properties =
                    [
                        new("kind", InputType.String, "Queue backend.") { Default = "redis", Enum = ["redis", "aws-sqs"] },
                        new("address", InputType.String, "host:port of Redis (redis only).") { Default = "redis:6379" },
                        new("region", InputType.String, "AWS region of the SQS queues (aws-sqs only).") { Default = "us-east-1" },
                    ],
                },
                new("gpuNodeLabel", InputType.String, "Node label that carries the GPU product name.") { Default = "nvidia.com/gpu.product" },
            ],
        },
        new("quotas", InputType.Object, "Limits on totals at maximum scale over all workloads; exceeding one fails the preview.")
        {
            Properties =
            [
                new("cpu", InputType.Number, "Most vCPUs.") { Min = 0 },
                new("memory", InputType.String, "Most memory, e.g. \"512Gi\".")
                {
                    Check = text => Memory.TryParse(text, out var error) is null ? error : null,
                },
                new("gpu", InputType.Integer, "Most GPUs.") { Min = 0, Max = 100000 },
            ],
        },
        new("maxHourlyCost", InputType.Number, "Most worst-case on-demand USD per hour over all workloads.") { Min = 0 },
    ];

    public static Result<ProviderConfig> Read(PropertyMap config)
    {
        var reader = new InputReader(Resource);
        reader.Check(config, Inputs, owner: "multinode config");
        var target = reader.String("target") switch
        {
            "aws" => Target.Aws,
            "kubernetes" => Target.Kubernetes,
            _ => (Target?)null,
        };
        AwsConfig? aws = null;
        if (target == Target.Aws)
        {
            var subnets = reader.Get("aws.subnetIds");
            if (subnets is null && reader.Failures.All(f => !f.Path.StartsWith("aws", StringComparison.Ordinal)))
                reader.Fail("aws.subnetIds", "aws.subnetIds is required when target = \"aws\" (the subnets the groups run in)");
            else if (subnets is ArrayValue { Items.Count: 0 })
                reader.Fail("aws.subnetIds", "aws.subnetIds = [] must name at least one subnet");
            if (subnets is not null)
                aws = new AwsConfig(subnets, subnets is ArrayValue a ? a.Items.Count : null,
                    reader.Get("aws.amiId"), reader.Get("aws.securityGroupIds"), reader.Get("aws.keyName"),
                    reader.String("aws.region") ?? "us-east-1", reader.Get("aws.vpcId"));
        }
        if (reader.Failures.Count > 0 || target is null) return Result<ProviderConfig>.Fail(reader.Failures);

        var kubernetes = new KubernetesConfig(
            reader.String("kubernetes.namespace")!,
            reader.String("kubernetes.queue.kind") == "aws-sqs" ? QueueKind.AwsSqs : QueueKind.Redis,
            reader.String("kubernetes.queue.address"),
            reader.String("kubernetes.queue.region"),
            reader.String("kubernetes.gpuNodeLabel")!);
        var quotas = new Quotas(reader.Number("quotas.cpu"),
            reader.String("quotas.memory") is { } m ? Memory.Parse(m) : null, reader.Integer("quotas.gpu"));
        return Result<ProviderConfig>.Ok(new ProviderConfig(target.Value, aws, kubernetes, quotas, reader.Number("maxHourlyCost")));
    }
}
