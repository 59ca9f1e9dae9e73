using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.TypeCheck;

public sealed class TypeScriptEmitterTests
{
    [Theory]
    [InlineData("aws:autoscaling/group:Group", "aws.autoscaling.Group")]
    [InlineData("aws:ec2/launchTemplate:LaunchTemplate", "aws.ec2.LaunchTemplate")]
    [InlineData("kubernetes:apps/v1:Deployment", "k8s.apps.v1.Deployment")]
    [InlineData("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "k8s.autoscaling.v2.HorizontalPodAutoscaler")]
    [InlineData("kubernetes:keda.sh/v1alpha1:ScaledObject", null)]
    [InlineData("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "k8s.rbac.v1.RoleBinding")]
    public void ClassFor_Token_GivesSdkClass(string token, string? expected) =>
        Assert.Equal(expected, TypeScriptEmitter.ClassFor(token));

    [Fact]
    public void Emit_ReferencesSecretsAndUnknowns_BecomeTypedExpressions()
    {
        var workload = new DaemonWorkload("d", new Container("img", null, null, PropertyMap.Empty, 300, PropertyMap.Empty, []), ResourceRequest.Default);
        var queue = new PlannedResource("aws:sqs/queue:Queue", "d-queue", new PropertyMap(("name", PropertyValue.Unknown)), ResourceOptions.None);
        var policy = new PlannedResource("aws:sqs/queuePolicy:QueuePolicy", "d-policy", new PropertyMap(
            ("queueUrl", PropertyValue.Reference("d-queue", "url")),
            ("policy", PropertyValue.Secret("{}"))), ResourceOptions.None);
        var config = new ProviderConfig(Multinode.Infra.Targets.Aws.AwsTarget.Default,
            new Multinode.Infra.Targets.Aws.AwsConfig(PropertyValue.Strings(["subnet-1"]), 1, null, null, null, "us-east-1", PropertyValue.Unknown),
            new Quotas(null, null, null), null) { Kinds = KindRegistry.Default };
        var ts = TypeScriptEmitter.Emit(new Plan(config, [new WorkloadPlan(workload, [queue, policy], PropertyMap.Empty, new PlanSummary())]));
        Assert.Contains("""
            const r0 = new aws.sqs.Queue("d-queue", {
              name: pulumi.output<any>(undefined),
            });
            children.push(r0);
            const r1 = new aws.sqs.QueuePolicy("d-policy", {
              queueUrl: r0.url,
              policy: pulumi.secret("{}"),
            });
            """.Replace("\r", "", StringComparison.Ordinal), ts, StringComparison.Ordinal);
    }
}
