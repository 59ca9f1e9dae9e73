using Multinode.Infra.Configuration;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>The <c>multinode:kubernetes</c> block as <see cref="ProviderConfigReader"/> reads it into <see cref="KubernetesConfig"/>.</summary>
public sealed class KubernetesConfigTests
{
    private static IEnumerable<string> Failures(string kubernetesJson) =>
        ProviderConfigReader.Read(new PropertyMap(("target", "kubernetes"), ("kubernetes", Json(kubernetesJson))), KindRegistry.Default)
            .Failures.Select(f => f.ToString());

    [Fact]
    public void Read_Nothing_DefaultsForAPlainCluster()
    {
        var config = Config().SettingsOf<KubernetesConfig>();
        Assert.Equal(("default", QueueKind.Redis, "redis:6379", (string?)null, "nvidia.com/gpu.product"),
            (config.Namespace, config.QueueKind, config.QueueAddress, config.QueueRegion, config.GpuNodeLabel));
        Assert.True(config.RunAsNonRoot);
        Assert.True(config.ReadOnlyRootFilesystem);
        Assert.False(config.NetworkPolicy);
        Assert.Null(config.QueuePassword);
        Assert.Null(config.ServiceAccountName);
        Assert.Empty(config.GpuProducts);
    }

    [Fact]
    public void Read_EverySetting_IsKept()
    {
        var config = Config("""
            {
              "namespace": "media", "serviceAccountName": "workers", "runAsNonRoot": false, "readOnlyRootFilesystem": false, "networkPolicy": true,
              "gpuNodeLabel": "cloud.google.com/gke-accelerator", "gpuProducts": { "Tesla T4": "nvidia-tesla-t4" },
              "queue": { "kind": "aws-sqs", "region": "eu-west-1", "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/keda" }
            }
            """).SettingsOf<KubernetesConfig>();
        Assert.Equal((QueueKind.AwsSqs, (string?)null, "eu-west-1", "123456789012", "arn:aws:iam::123456789012:role/keda"),
            (config.QueueKind, config.QueueAddress, config.QueueRegion, config.QueueAccountId, config.QueueRoleArn));
        Assert.Equal(("media", "workers", false, false, true),
            (config.Namespace, config.ServiceAccountName, config.RunAsNonRoot, config.ReadOnlyRootFilesystem, config.NetworkPolicy));
        Assert.Equal("nvidia-tesla-t4", config.GpuProducts[GpuType.T4]);
    }

    [Fact]
    public void Read_RedisPassword_DefaultKey()
    {
        var config = Config("""{ "queue": { "address": "redis.q:6380", "passwordSecret": { "name": "redis-auth" } } }""").SettingsOf<KubernetesConfig>();
        Assert.Equal(new SecretKeyReference("redis-auth", "password"), config.QueuePassword);
        Assert.Equal("redis.q:6380", config.QueueAddress);
    }

    [Fact]
    public void Read_SqsWithoutAccountOrIdentity_FailsWithBoth()
    {
        Assert.Equal(
        [
            """provider config: kubernetes.queue.accountId is required when kubernetes.queue.kind = "aws-sqs" (the 12-digit account that owns the queues; a workload reads https://sqs.<region>.amazonaws.com/<accountId>/<workload name>)""",
            """provider config: kubernetes.queue.kind = "aws-sqs" needs an AWS identity for KEDA to read queue lengths: set kubernetes.queue.roleArn (a role KEDA assumes) or kubernetes.serviceAccountName (a service account bound to an IAM role, which KEDA uses too)""",
        ], Failures("""{ "queue": { "kind": "aws-sqs" } }"""));
    }

    [Fact]
    public void Read_SettingsOfTheOtherQueueKind_Fail()
    {
        Assert.Equal(
        [
            "provider config: kubernetes.queue.region applies only when kubernetes.queue.kind = \"aws-sqs\", but it is \"redis\"",
            "provider config: kubernetes.queue.roleArn applies only when kubernetes.queue.kind = \"aws-sqs\", but it is \"redis\"",
        ], Failures("""{ "queue": { "region": "eu-west-1", "roleArn": "arn:aws:iam::123456789012:role/keda" } }"""));
        Assert.Equal(
        [
            "provider config: kubernetes.queue.address applies only when kubernetes.queue.kind = \"redis\", but it is \"aws-sqs\"",
        ], Failures("""{ "serviceAccountName": "w", "queue": { "kind": "aws-sqs", "accountId": "123456789012", "address": "redis:6379" } }"""));
    }

    [Fact]
    public void Read_MalformedValues_FailEachWithWhatIsAllowed()
    {
        Assert.Equal(
        [
            """provider config: kubernetes.namespace = "Team_A" is not a namespace name (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)""",
            """provider config: kubernetes.queue.kind = "rabbitmq" is not one of redis, aws-sqs""",
            "provider config: kubernetes.queue.address = \"redis\" is not host:port, e.g. \"redis:6379\" or \"redis.queues.svc.cluster.local:6379\"",
            """provider config: kubernetes.queue.passwordSecret.key = "pass word" is not a Secret key (letters, digits, '-', '_' and '.' only)""",
            "provider config: kubernetes.queue.region = \"Frankfurt\" is not an AWS region such as \"us-east-1\"",
            """provider config: kubernetes.queue.accountId = "1234" is not a 12-digit AWS account id""",
            "provider config: kubernetes.queue.roleArn = \"keda\" is not an IAM role ARN such as \"arn:aws:iam::123456789012:role/keda-sqs\"",
            """provider config: kubernetes.gpuNodeLabel = "gpu product" is not a Kubernetes label key (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)""",
            """provider config: kubernetes.serviceAccountName = "Workers" is not a Kubernetes object name (at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)""",
            """provider config: kubernetes.runAsNonRoot = "no" must be true or false""",
            """provider config: kubernetes.gpuProducts.b200 names no GPU type (allowed: t4, a10g, l4, l40s, v100, a100, a100-80gb, h100, h200)""",
            """provider config: kubernetes.gpuProducts.t4 = "Tesla T4" is not a Kubernetes label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty)""",
        ], Failures("""
            {
              "namespace": "Team_A", "gpuNodeLabel": "gpu product", "serviceAccountName": "Workers", "runAsNonRoot": "no",
              "gpuProducts": { "b200": "NVIDIA-B200", "t4": "Tesla T4" },
              "queue": { "kind": "rabbitmq", "address": "redis", "passwordSecret": { "name": "r", "key": "pass word" },
                         "region": "Frankfurt", "accountId": "1234", "roleArn": "keda" }
            }
            """));
    }

    [Fact]
    public void Read_UnknownGpuProduct_MustBeLiteral()
    {
        var result = ProviderConfigReader.Read(new PropertyMap(("target", "kubernetes"),
            ("kubernetes", new PropertyMap(("gpuProducts", new PropertyMap(("t4", PropertyValue.Unknown)))))), KindRegistry.Default);
        Assert.Equal(["provider config: kubernetes.gpuProducts.t4 = (unknown) must be a literal string: it selects nodes when the plan is made"],
            result.Failures.Select(f => f.ToString()));
    }
}
