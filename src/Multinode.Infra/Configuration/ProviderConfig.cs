using Multinode.Infra.Targets.Kubernetes;
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
/// <paramref name="VpcId"/> is the VPC of the subnets, where every security group and a Service's target group go:
/// the configured one, else the one the provider looked up from the first subnet, else unknown (the offline CLI).</summary>
public sealed record AwsConfig(PropertyValue SubnetIds, int? KnownSubnetCount, PropertyValue? AmiId,
    PropertyValue? SecurityGroupIds, PropertyValue? KeyName, string Region, PropertyValue VpcId);

/// <summary>The queue functions and jobs read from on Kubernetes.</summary>
public enum QueueKind
{
    Redis,
    AwsSqs,
}

/// <summary>A key of a Kubernetes Secret that already exists in the workloads' namespace.</summary>
public sealed record SecretKeyReference(string Name, string Key);

/// <summary>Kubernetes settings (<c>multinode:kubernetes</c>). The positional values are the DESIGN's public keys;
/// the init-only ones are the Kubernetes target's further settings, each with the default a plain cluster needs.</summary>
public sealed record KubernetesConfig(string Namespace, QueueKind QueueKind, string? QueueAddress, string? QueueRegion,
    string GpuNodeLabel)
{
    /// <summary>AWS account that owns the SQS queues (aws-sqs only); queue URLs follow from it and the workload name.</summary>
    public string? QueueAccountId { get; init; }

    /// <summary>IAM role KEDA assumes to read SQS queue lengths (aws-sqs only); otherwise the workload's own identity.</summary>
    public string? QueueRoleArn { get; init; }

    /// <summary>Secret key holding the Redis password (redis only); none means Redis without a password.</summary>
    public SecretKeyReference? QueuePassword { get; init; }

    /// <summary>Service account the pods run as (e.g. one bound to an IAM role); the namespace default when null.</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>Refuse to start containers whose image runs as root.</summary>
    public bool RunAsNonRoot { get; init; } = true;

    /// <summary>Mount the container's root file system read-only.</summary>
    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>GPU product label values that replace the canonical ones, per GPU type.</summary>
    public IReadOnlyDictionary<GpuType, string> GpuProducts { get; init; } = new Dictionary<GpuType, string>();
}

/// <summary>Totals at maximum scale over all workloads (<c>multinode:quotas</c>).</summary>
public sealed record Quotas(double? Cpu, Memory? Memory, int? Gpu);

/// <summary>The provider's configuration, validated, defaults filled in.</summary>
public sealed record ProviderConfig(Target Target, AwsConfig? Aws, KubernetesConfig Kubernetes, Quotas Quotas, double? MaxHourlyCost)
{
    /// <summary>The worker sidecar's image (<c>multinode:workerImage</c>), run beside every Function and Job container.</summary>
    public string WorkerImage { get; init; } = WorkerImages.Default;
}

/// <summary>The worker sidecar's image reference: its default and what counts as a reference.</summary>
public static partial class WorkerImages
{
    /// <summary>The image this repository publishes (github.com/multinode/pulumi-multinode, built from
    /// src/Multinode.Worker), tagged with the plugin's version: one version, <see cref="Schema.PackageSchema.Version"/>.</summary>
    public static readonly string Default = "ghcr.io/multinode/multinode-worker:" + Schema.PackageSchema.Version;

    // Docker's reference grammar, simplified: registry[:port]/path components in lowercase, an optional tag, an
    // optional sha256 digest.
    [System.Text.RegularExpressions.GeneratedRegex(
        "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")]
    private static partial System.Text.RegularExpressions.Regex Reference();

    /// <summary>Null when <paramref name="text"/> is an image reference, else the end of the failure sentence.</summary>
    public static string? Check(string text) =>
        text.Trim().Length == 0 ? "must not be empty: it names the worker sidecar's image, e.g. \"" + Default + "\""
        : text.Length <= 4096 && Reference().IsMatch(text) ? null
        : "is not an image reference (registry/repository[:tag][@sha256:digest], lowercase repository), e.g. \"" + Default + "\"";
}

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
                new("vpcId", InputType.String, "VPC of the subnets, where the security groups and a Service's target group go. Default: the VPC of the first subnet, looked up through the engine (aws:ec2/getSubnet:getSubnet); unknown offline.") { PassThrough = true },
            ],
        },
        new("kubernetes", InputType.Object, "Kubernetes settings.")
        {
            Properties =
            [
                new("namespace", InputType.String, "Namespace of every workload.") { Default = "default", Check = KubernetesChecks.Namespace },
                new("queue", InputType.Object, "Queue that functions and jobs read their work from.")
                {
                    Properties =
                    [
                        new("kind", InputType.String, "Queue backend.") { Default = "redis", Enum = ["redis", "aws-sqs"] },
                        new("address", InputType.String, "host:port of Redis (redis only).") { Default = "redis:6379", Check = KubernetesChecks.HostPort },
                        new("passwordSecret", InputType.Object, "Secret holding the Redis password (redis only); KEDA and the workers read it. None: no password.")
                        {
                            Properties =
                            [
                                new("name", InputType.String, "Name of the Secret, in the workloads' namespace.") { Required = true, Check = KubernetesChecks.ObjectName },
                                new("key", InputType.String, "Key of the password in the Secret.") { Default = "password", Check = KubernetesChecks.SecretKey },
                            ],
                        },
                        new("region", InputType.String, "AWS region of the SQS queues (aws-sqs only).") { Default = "us-east-1", Check = KubernetesChecks.AwsRegion },
                        new("accountId", InputType.String, "AWS account that owns the SQS queues (aws-sqs only, required there); a workload reads https://sqs.<region>.amazonaws.com/<accountId>/<workload name>.") { Check = KubernetesChecks.AwsAccountId },
                        new("roleArn", InputType.String, "IAM role KEDA assumes to read the queue lengths (aws-sqs only). Without it KEDA uses the workload's own identity (serviceAccountName).") { Check = KubernetesChecks.RoleArn },
                    ],
                },
                new("gpuNodeLabel", InputType.String, "Node label that carries the GPU product name.") { Default = "nvidia.com/gpu.product", Check = KubernetesChecks.LabelKey },
                new("gpuProducts", InputType.StringMap, "Node label values to select per GPU type, replacing the canonical ones (e.g. { a100: NVIDIA-A100-PCIE-40GB }).") { Default = PropertyMap.Empty },
                new("serviceAccountName", InputType.String, "Service account every pod runs as (e.g. one bound to an IAM role for SQS); the namespace's default when absent.") { Check = KubernetesChecks.ObjectName },
                new("runAsNonRoot", InputType.Boolean, "Refuse to start containers whose image runs as root (turn off only for images that need root).") { Default = true },
                new("readOnlyRootFilesystem", InputType.Boolean, "Mount every container's root file system read-only.") { Default = false },
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
        new("workerImage", InputType.String, "Image of the worker sidecar that runs beside every Function and Job container, takes their queue's messages and posts them to the container's POST /invoke (docs/worker.md); by default the image this repository publishes at the plugin's version.")
        {
            Default = WorkerImages.Default, Check = WorkerImages.Check,
        },
    ];

    /// <summary>
    /// <c>pulumi config set</c> stores every value as text, and the engine passes config on as text. Where a key's
    /// declared type is not a string, text that is JSON (<c>{...}</c>, <c>[...]</c>, <c>0.5</c>, <c>true</c>) is read as
    /// that JSON value, a secret staying secret; other text stays text and fails validation with its value shown.
    /// The one rule for config text: the provider and the CLI both read config through it.
    /// </summary>
    public static PropertyMap ParseText(PropertyMap config) =>
        new(config.Select(e => KeyValuePair.Create(e.Key, ParseText(e.Key, e.Value))));

    /// <inheritdoc cref="ParseText(PropertyMap)"/>
    public static PropertyValue ParseText(string key, PropertyValue value)
    {
        var spec = Inputs.FirstOrDefault(s => s.Name == key);
        if (spec is null || spec.Type == InputType.String) return value;
        return value switch
        {
            StringValue s => JsonText(s.Value) ?? value,
            SecretValue { Value: StringValue s } => JsonText(s.Value) is { } parsed ? PropertyValue.Secret(parsed) : value,
            _ => value,
        };
    }

    private static PropertyValue? JsonText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || !(trimmed[0] is '{' or '[' or '-' or (>= '0' and <= '9') || trimmed is "true" or "false" or "null"))
            return null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(trimmed);
            return PropertyValue.FromJson(document.RootElement);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // not JSON after all (or nested past the reader's depth): the text is the value
        }
    }

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
                    reader.String("aws.region") ?? "us-east-1", reader.Get("aws.vpcId") ?? PropertyValue.Unknown);
        }
        var gpuProducts = ReadGpuProducts(reader);
        CheckQueue(reader, config);
        if (reader.Failures.Count > 0 || target is null) return Result<ProviderConfig>.Fail(reader.Failures);

        var sqs = reader.String("kubernetes.queue.kind") == "aws-sqs";
        var kubernetes = new KubernetesConfig(
            reader.String("kubernetes.namespace")!,
            sqs ? QueueKind.AwsSqs : QueueKind.Redis,
            sqs ? null : reader.String("kubernetes.queue.address"),
            sqs ? reader.String("kubernetes.queue.region") : null,
            reader.String("kubernetes.gpuNodeLabel")!)
        {
            QueueAccountId = reader.String("kubernetes.queue.accountId"),
            QueueRoleArn = reader.String("kubernetes.queue.roleArn"),
            QueuePassword = reader.String("kubernetes.queue.passwordSecret.name") is { } secret
                ? new SecretKeyReference(secret, reader.String("kubernetes.queue.passwordSecret.key")!)
                : null,
            ServiceAccountName = reader.String("kubernetes.serviceAccountName"),
            RunAsNonRoot = reader.Boolean("kubernetes.runAsNonRoot")!.Value,
            ReadOnlyRootFilesystem = reader.Boolean("kubernetes.readOnlyRootFilesystem")!.Value,
            GpuProducts = gpuProducts,
        };
        var quotas = new Quotas(reader.Number("quotas.cpu"),
            reader.String("quotas.memory") is { } m ? Memory.Parse(m) : null, reader.Integer("quotas.gpu"));
        return Result<ProviderConfig>.Ok(new ProviderConfig(target.Value, aws, kubernetes, quotas, reader.Number("maxHourlyCost"))
        {
            WorkerImage = reader.String("workerImage")!,
        });
    }

    /// <summary>kubernetes.gpuProducts: keys are GPU types (aliases accepted), values label values.</summary>
    private static Dictionary<GpuType, string> ReadGpuProducts(InputReader reader)
    {
        var products = new Dictionary<GpuType, string>();
        foreach (var (key, value) in reader.Map("kubernetes.gpuProducts"))
        {
            var path = $"kubernetes.gpuProducts.{key}";
            if (GpuTypes.TryParse(key) is not { } type)
                reader.Fail(path, $"{path} names no GPU type (allowed: {GpuTypes.AllowedList})");
            else if (value is not StringValue { Value: var product })
                reader.Fail(path, $"{path} = {value.Display()} must be a literal string: it selects nodes when the plan is made");
            else if (KubernetesChecks.LabelValue(product) is { } problem)
                reader.Fail(path, $"{path} = {value.Display()} {problem}");
            else
                products[type] = product;
        }
        return products;
    }

    /// <summary>Settings that only make sense for one queue kind, and what aws-sqs cannot do without.</summary>
    private static void CheckQueue(InputReader reader, PropertyMap config)
    {
        var kind = reader.String("kubernetes.queue.kind");
        if (kind is null) return;
        var given = config.Get("kubernetes") is ObjectValue { Map: var k } && k.Get("queue") is ObjectValue { Map: var q }
            ? q
            : PropertyMap.Empty;
        var only = kind == "redis"
            ? new[] { ("region", "aws-sqs"), ("accountId", "aws-sqs"), ("roleArn", "aws-sqs") }
            : [("address", "redis"), ("passwordSecret", "redis")];
        foreach (var (key, owner) in only)
            if (given.ContainsKey(key))
                reader.Fail($"kubernetes.queue.{key}", $"kubernetes.queue.{key} applies only when kubernetes.queue.kind = \"{owner}\", but it is \"{kind}\"");
        if (kind != "aws-sqs") return;
        if (!given.ContainsKey("accountId"))
            reader.Fail("kubernetes.queue.accountId",
                "kubernetes.queue.accountId is required when kubernetes.queue.kind = \"aws-sqs\" (the 12-digit account that owns the queues; a workload reads https://sqs.<region>.amazonaws.com/<accountId>/<workload name>)");
        if (!given.ContainsKey("roleArn") && reader.String("kubernetes.serviceAccountName") is null)
            reader.Fail("kubernetes.queue.roleArn",
                "kubernetes.queue.kind = \"aws-sqs\" needs an AWS identity for KEDA to read queue lengths: set kubernetes.queue.roleArn (a role KEDA assumes) or kubernetes.serviceAccountName (a service account bound to an IAM role, which KEDA uses too)");
    }
}
