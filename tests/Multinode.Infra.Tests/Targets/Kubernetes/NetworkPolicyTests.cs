using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// Issue 25: the optional NetworkPolicy per workload (<c>kubernetes.networkPolicy</c>). Semantics from the
/// Kubernetes docs, "Network Policies": a pod is isolated for ingress (egress) when a policy selecting it lists
/// Ingress (Egress) in policyTypes, and then allows only what a rule allows; a rule with ports and no from/to allows
/// every peer on those ports; no rule of a listed type allows nothing of it.
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly ProviderConfigs On = new(Config("""{ "networkPolicy": true }"""),
        Config("""{ "networkPolicy": true, "queue": { "address": "queue.infra:6380" } }"""),
        Config("""{ "networkPolicy": true, "serviceAccountName": "w", "queue": { "kind": "aws-sqs", "accountId": "123456789012" } }"""));

    private sealed record ProviderConfigs(ProviderConfig Default, ProviderConfig Redis, ProviderConfig Sqs);

    [Fact]
    public void Plan_Default_HasNoNetworkPolicy()
    {
        foreach (var (kind, name, json) in OneOfEach())
            Assert.DoesNotContain(Plan(Workload(kind, name, json)).Resources, r => r.Type == NetworkPolicies.Type);
    }

    [Fact]
    public void Plan_EveryKind_IsolatesItsPodsBothWays()
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var plan = Plan(Workload(kind, name, json), On.Default);
            var policy = plan.OfType(NetworkPolicies.Type);
            Assert.Equal($"{name}-network-policy", policy.Name);
            Assert.Equal(name, policy.Text("metadata.name"));
            // It selects exactly the workload's pods (the controllers' selector).
            Assert.Equal(PropertyValue.From(new PropertyMap(("app.kubernetes.io/name", name))), policy.At("spec.podSelector.matchLabels"));
            if (plan.Workers().Type == "kubernetes:apps/v1:Deployment")
                Assert.Equal(plan.Workers().At("spec.selector.matchLabels"), policy.At("spec.podSelector.matchLabels"));
            Assert.Equal(PropertyValue.Strings(["Ingress", "Egress"]), policy.At("spec.policyTypes"));
            // DNS is allowed to every peer, over UDP and TCP.
            Assert.Contains(Ports(policy, "egress"), r => r.SetEquals([("UDP", 53), ("TCP", 53)]));
        }
    }

    [Fact]
    public void Plan_Service_AllowsIngressToItsPortOnlyAndEgressToDnsOnly()
    {
        var policy = Plan(Workload(ServiceKind.Instance, "api", Service), On.Default).OfType(NetworkPolicies.Type);
        var rule = Assert.Single(((ArrayValue)policy.At("spec.ingress")).Items);
        Assert.Null(rule.Find("from"));
        Assert.True(Ports(policy, "ingress").Single().SetEquals([("TCP", 8080)]));
        Assert.True(Assert.Single(Ports(policy, "egress")).SetEquals([("UDP", 53), ("TCP", 53)]));
    }

    [Fact]
    public void Plan_FunctionAndJob_AllowNoIngressAndEgressToTheQueueAndTheApi()
    {
        foreach (var (config, queuePort) in new[] { (On.Default, 6379), (On.Redis, 6380), (On.Sqs, 443) })
        {
            foreach (var (kind, name, json) in OneOfEach().Where(w => w.Kind is FunctionKind or JobKind))
            {
                var policy = Plan(Workload(kind, name, json), config).OfType(NetworkPolicies.Type);
                Assert.Empty(((ArrayValue)policy.At("spec.ingress")).Items);
                var egress = Ports(policy, "egress");
                Assert.Contains(egress, r => r.Contains(("TCP", queuePort)));
                Assert.Contains(egress, r => r.SetEquals([("TCP", 443), ("TCP", 6443)]));
                Assert.All(((ArrayValue)policy.At("spec.egress")).Items, r => Assert.Null(r.Find("to")));
            }
        }
    }

    [Fact]
    public void Plan_DaemonAndScheduledTask_AllowNoIngressAndDnsOnly()
    {
        foreach (var (kind, name, json) in OneOfEach().Where(w => w.Kind is DaemonKind or ScheduledTaskKind))
        {
            var policy = Plan(Workload(kind, name, json), On.Default).OfType(NetworkPolicies.Type);
            Assert.Empty(((ArrayValue)policy.At("spec.ingress")).Items);
            Assert.True(Assert.Single(Ports(policy, "egress")).SetEquals([("UDP", 53), ("TCP", 53)]));
        }
    }

    /// <summary>The (protocol, port) pairs of each rule of <paramref name="direction"/>.</summary>
    private static List<HashSet<(string, int)>> Ports(PlannedResource policy, string direction) =>
        [.. ((ArrayValue)policy.At($"spec.{direction}")).Items.Select(r => ((ArrayValue)r.At("ports")).Items
            .Select(p => (((StringValue)p.At("protocol")).Value, (int)((NumberValue)p.At("port")).Value)).ToHashSet())];
}
