using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Configuration;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Configuration;

public sealed class ProviderConfigReaderTests
{
    [Theory]
    [InlineData("{}", "provider config: target is required")]
    [InlineData("{ target: gcp }", "provider config: target = \"gcp\" is not one of aws, kubernetes")]
    [InlineData("{ target: kubernetis }", "provider config: target = \"kubernetis\" is not one of aws, kubernetes; did you mean kubernetes?")]
    [InlineData("{ target: aws }", "provider config: aws.subnetIds is required when target = \"aws\" (the subnets the groups run in)")]
    [InlineData("{ target: aws, aws: { subnetIds: [] } }", "provider config: aws.subnetIds = [] must name at least one subnet")]
    [InlineData("{ target: aws, aws: { subnetIds: subnet-1 } }", "provider config: aws.subnetIds = \"subnet-1\" must be a list of strings")]
    [InlineData("{ target: kubernetes, kubernetes: { queue: { kind: kafka } } }", "provider config: kubernetes.queue.kind = \"kafka\" is not one of redis, aws-sqs")]
    [InlineData("{ target: kubernetes, quotas: { gpu: -1 } }", "provider config: quotas.gpu = -1 is below the minimum of 0")]
    [InlineData("{ target: kubernetes, quotas: { memory: lots } }", "provider config: quotas.memory = \"lots\" is not a memory quantity such as \"512Mi\", \"16Gi\" or \"16 GiB\"")]
    [InlineData("{ target: kubernetes, maxHourlyCost: -5 }", "provider config: maxHourlyCost = -5 is below the minimum of 0")]
    [InlineData("{ target: kubernetes, workerImage: \"\" }", "provider config: workerImage = \"\" must not be empty: it names the worker sidecar's image, e.g. \"ghcr.io/multinode/multinode-worker:0.1.0\"")]
    [InlineData("{ target: kubernetes, workerImage: \"Multinode Worker\" }", "provider config: workerImage = \"Multinode Worker\" is not an image reference (registry/repository[:tag][@sha256:digest], lowercase repository), e.g. \"ghcr.io/multinode/multinode-worker:0.1.0\"")]
    [InlineData("{ target: kubernetes, workerImage: 7 }", "provider config: workerImage = 7 must be a string")]
    [InlineData("{ target: kubernetes, maxHourlyCosts: 5 }", "provider config: maxHourlyCosts is not a property of multinode config; did you mean maxHourlyCost?")]
    public void Read_Invalid_GivesExactMessage(string yaml, string expected) =>
        Assert.Equal([expected], ProviderConfigReader.Read(Yaml.Map(yaml), KindRegistry.Default).Failures.Select(f => f.ToString()));

    [Fact]
    public void Read_Kubernetes_FillsDefaults()
    {
        var config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes }"), KindRegistry.Default).Value!;
        Assert.Same(KubernetesTarget.Default, config.Target);
        var kubernetes = config.SettingsOf<KubernetesConfig>();
        Assert.Equal(("default", QueueKind.Redis, "redis:6379", "nvidia.com/gpu.product"),
            (kubernetes.Namespace, kubernetes.QueueKind, kubernetes.QueueAddress, kubernetes.GpuNodeLabel));
    }

    [Fact]
    public void Read_AwsWithUnknownSubnets_IsValid()
    {
        var config = ProviderConfigReader.Read(Yaml.Map("{ target: aws, aws: { subnetIds: \"${vpc.privateSubnetIds}\" } }"), KindRegistry.Default);
        Assert.True(config.IsValid, string.Join("\n", config.Failures));
        Assert.Null(config.Value!.SettingsOf<AwsConfig>().KnownSubnetCount);
    }

    [Fact]
    public void Read_WorkerImage_DefaultsToThePublishedImageAtThePluginVersion()
    {
        var config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes }"), KindRegistry.Default).Value!;
        Assert.Equal($"ghcr.io/multinode/multinode-worker:{Multinode.Infra.Schema.PackageSchema.Version}", config.WorkerImage);
    }

    [Theory]
    [InlineData("multinode-worker")]
    [InlineData("localhost:5000/multinode-worker:dev")]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/multinode-worker:0.1.0")]
    [InlineData("ghcr.io/multinode/multinode-worker@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Read_WorkerImage_AcceptsImageReferences(string image)
    {
        var config = ProviderConfigReader.Read(Yaml.Map($"{{ target: kubernetes, workerImage: \"{image}\" }}"), KindRegistry.Default);
        Assert.True(config.IsValid, string.Join("\n", config.Failures));
        Assert.Equal(image, config.Value!.WorkerImage);
    }
}
