using Multinode.Contracts;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Kubernetes;

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
    string GpuNodeLabel) : TargetConfig
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

    /// <summary>Mount the user's container's root file system read-only, with a writable emptyDir at /tmp.</summary>
    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>Give each workload a NetworkPolicy that allows only what Multinode needs (NetworkPolicies).</summary>
    public bool NetworkPolicy { get; init; }

    /// <summary>GPU product label values that replace the canonical ones, per GPU type.</summary>
    public IReadOnlyDictionary<GpuType, string> GpuProducts { get; init; } = new Dictionary<GpuType, string>();

    /// <summary>The <c>multinode:kubernetes</c> block.</summary>
    public static readonly InputSpec Spec = new("kubernetes", InputType.Object, "Kubernetes settings.")
    {
        Properties =
        [
            new("namespace", InputType.String, "Namespace of every workload.") { Default = "default", Check = KubernetesChecks.Namespace },
            new("queue", InputType.Object, "Queue that functions and jobs read their work from.")
            {
                Properties =
                [
                    new("kind", InputType.String, "Queue backend.") { Default = QueueKinds.Redis, Enum = QueueKinds.All },
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
            new("readOnlyRootFilesystem", InputType.Boolean, "Mount the user's container's root file system read-only, with a writable emptyDir at /tmp (the worker's is read-only always). Turn off for images that write elsewhere.") { Default = true },
            new("networkPolicy", InputType.Boolean, "Give each workload a NetworkPolicy: egress only to DNS (and, for functions and jobs, the queue's port and the Kubernetes API), ingress only to a service's port. Needs a network plugin that enforces NetworkPolicy.") { Default = false },
        ],
    };

    /// <summary>The block's own rules (GPU products, settings of the other queue kind, what aws-sqs needs), checked
    /// whatever the target; the typed config when Kubernetes is the target and nothing failed.</summary>
    public static KubernetesConfig? Read(InputReader reader, PropertyMap given, bool chosen)
    {
        var gpuProducts = ReadGpuProducts(reader);
        CheckQueue(reader, given);
        if (!chosen || reader.Failures.Count > 0) return null;
        var sqs = reader.String("kubernetes.queue.kind") == QueueKinds.AwsSqs;
        return new KubernetesConfig(
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
            NetworkPolicy = reader.Boolean("kubernetes.networkPolicy")!.Value,
            GpuProducts = gpuProducts,
        };
    }

    public override IEnumerable<KeyValuePair<string, PropertyValue>> Settings() =>
        new (string Key, string? Value)[]
        {
            ("kubernetes.namespace", Namespace),
            ("kubernetes.queue.kind", QueueKind == QueueKind.AwsSqs ? QueueKinds.AwsSqs : QueueKinds.Redis),
            ("kubernetes.queue.address", QueueAddress),
            ("kubernetes.queue.region", QueueRegion),
            ("kubernetes.gpuNodeLabel", GpuNodeLabel),
        }.Where(s => s.Value is not null).Select(s => KeyValuePair.Create(s.Key, PropertyValue.From(s.Value!)));

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
        var only = kind == QueueKinds.Redis
            ? new[] { ("region", QueueKinds.AwsSqs), ("accountId", QueueKinds.AwsSqs), ("roleArn", QueueKinds.AwsSqs) }
            : [("address", QueueKinds.Redis), ("passwordSecret", QueueKinds.Redis)];
        foreach (var (key, owner) in only)
            if (given.ContainsKey(key))
                reader.Fail($"kubernetes.queue.{key}", $"kubernetes.queue.{key} applies only when kubernetes.queue.kind = \"{owner}\", but it is \"{kind}\"");
        if (kind != QueueKinds.AwsSqs) return;
        if (!given.ContainsKey("accountId"))
            reader.Fail("kubernetes.queue.accountId",
                "kubernetes.queue.accountId is required when kubernetes.queue.kind = \"aws-sqs\" (the 12-digit account that owns the queues; a workload reads https://sqs.<region>.amazonaws.com/<accountId>/<workload name>)");
        if (!given.ContainsKey("roleArn") && reader.String("kubernetes.serviceAccountName") is null)
            reader.Fail("kubernetes.queue.roleArn",
                "kubernetes.queue.kind = \"aws-sqs\" needs an AWS identity for KEDA to read queue lengths: set kubernetes.queue.roleArn (a role KEDA assumes) or kubernetes.serviceAccountName (a service account bound to an IAM role, which KEDA uses too)");
    }
}
