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
    public void Plan_SameNameOfDifferentKindsOnKubernetes_FailsNamingBoth()
    {
        // Kubernetes names an object by metadata.name, unique per kind of object in a namespace (kubernetes.io,
        // "Object Names and IDs"): a Daemon's and a Service's Deployment "ingest" would be one object. An SDK program
        // can declare both (YAML cannot: its resource names are map keys).
        var properties = new PropertyMap(("image", "img"));
        var program = new ProgramDeclaration(
            [new("ingest", DaemonKind.Instance.Token, properties), new("ingest", ServiceKind.Instance.Token, properties)],
            new PropertyMap(("target", "kubernetes")));
        var failure = Assert.Single(Planner.Plan(program, KindRegistry.Default).Failures);
        Assert.Equal(
            "Service \"ingest\": name = \"ingest\" plans the child kubernetes:apps/v1:Deployment \"ingest\", which Daemon \"ingest\" plans too; " +
            "both would be the one object of that name on the platform, each overwriting the other: rename one of the two",
            failure.ToString());
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
                var result = Planner.Plan(program, KindRegistry.Default);
                Assert.True(result.IsValid, $"{kind} api-{suffix}: {string.Join("\n", result.Failures)}");
            }
        }
    }
}
