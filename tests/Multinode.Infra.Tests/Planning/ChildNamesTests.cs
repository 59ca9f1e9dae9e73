using Multinode.Infra.Planning;
using Multinode.Infra.Tests.Targets.Aws;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class ChildNamesTests
{
    private const string TwoServices = """
        api:
          type: multinode:index:Service
          properties: { image: img }
        api-lb:
          type: multinode:index:Service
          properties: { image: img }
        """;

    [Fact]
    public void Plan_ServicesApiAndApiLbOnAws_FailNamingBoth()
    {
        var failures = AwsPlanning.Failures(TwoServices);
        Assert.Equal(
        [
            """Service "api-lb": name = "api-lb" plans the child aws:ec2/securityGroup:SecurityGroup "api-lb-sg", which Service "api" plans too; their URNs would be the same, which the engine refuses: rename one of the two""",
        ], failures);
    }

    [Fact]
    public void Plan_SameNamesOfDifferentKinds_DoNotCollide()
    {
        // A child's URN carries its parent's type: a Service's and a Daemon's children never share one.
        var result = AwsPlanning.Plan("""
            api:
              type: multinode:index:Service
              properties: { image: img }
            api-lb:
              type: multinode:index:Daemon
              properties: { image: img }
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
    }

    [Fact]
    public void Plan_EveryPairOfPrefixedNamesOnKubernetes_IsCollisionFree()
    {
        // Kubernetes children differ by type where their names could meet (Deployment "api-hpa" vs HPA "api-hpa").
        var config = new PropertyMap(("target", "kubernetes"));
        foreach (var kind in WorkloadKinds.All)
        {
            foreach (var suffix in new[] { "env", "service", "hpa", "pdb", "scaler", "queue-auth", "auth" })
            {
                var properties = new PropertyMap(("image", "img"), ("schedule", "0 3 * * *"));
                if (kind != ScheduledTaskKind.Instance) properties = new PropertyMap(("image", "img"));
                var program = new ProgramDeclaration(
                    [new("api", kind.Token, properties), new($"api-{suffix}", kind.Token, properties)], config);
                var result = Planner.Plan(program);
                Assert.True(result.IsValid, $"{kind} api-{suffix}: {string.Join("\n", result.Failures)}");
            }
        }
    }
}
