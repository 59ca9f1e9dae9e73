using System.Globalization;
using k8s.Models;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// The optional NetworkPolicy of a workload (<c>multinode:kubernetes.networkPolicy: true</c>; docs/kubernetes.md,
/// "Network policy"). It selects the workload's pods and isolates them both ways, then allows only what Multinode's
/// own parts need: DNS, and for a queue workload the queue and the Kubernetes API (the worker's deletion-cost patch);
/// ingress only to a Service's port. Destinations are "anywhere on that port": the queue's host and the API server
/// are names or virtual IPs the plan cannot turn into pod selectors or IP blocks. Kubernetes facts (docs,
/// "Network Policies"): a pod selected by a policy of a type is isolated for it and allows only what some policy
/// allows (policies add up, so users add their own for anything else); a rule with ports and no peers allows every
/// peer on those ports; a pod cannot block itself (the worker reaches the user's server on 127.0.0.1) and traffic from
/// its node (kubelet probes) is always allowed.
/// </summary>
internal static class NetworkPolicies
{
    public const string Type = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

    /// <summary>DNS, over UDP and TCP (answers larger than a datagram).</summary>
    private const int DnsPort = 53;

    /// <summary>HTTPS: SQS endpoints and the in-cluster API service.</summary>
    private const int HttpsPort = 443;

    /// <summary>The API server's usual secure port behind the <c>kubernetes</c> Service, which some network plugins
    /// see after the Service's translation.</summary>
    private const int ApiServerPort = 6443;

    /// <summary>The policy of the pods <paramref name="selector"/> selects. <paramref name="ingressPort"/>: the
    /// container port a Service receives traffic on, or null (no ingress at all); <paramref name="worker"/>: the pods
    /// run the worker, so the queue (of <paramref name="config"/>) and the Kubernetes API are allowed too.</summary>
    public static V1NetworkPolicy Policy(V1ObjectMeta metadata, IDictionary<string, string> selector,
        KubernetesConfig config, int? ingressPort, bool worker)
    {
        var egress = new List<V1NetworkPolicyEgressRule> { Rule(("UDP", DnsPort), ("TCP", DnsPort)) };
        if (worker)
        {
            egress.Add(Rule(("TCP", QueuePort(config))));
            egress.Add(Rule(("TCP", HttpsPort), ("TCP", ApiServerPort)));
        }
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = metadata,
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = selector },
                PolicyTypes = ["Ingress", "Egress"],
                // No rule: no ingress. A rule with only ports: from every peer.
                Ingress = ingressPort is { } port
                    ? [new V1NetworkPolicyIngressRule { Ports = [Port("TCP", port)] }]
                    : [],
                Egress = egress,
            },
        };
    }

    /// <summary>What the policy allows, for the plan's facts.</summary>
    public static string Description(KubernetesConfig config, int? ingressPort, bool worker)
    {
        var allowed = new List<string> { $"egress DNS ({DnsPort}/UDP, {DnsPort}/TCP)" };
        if (worker)
        {
            allowed.Add($"the queue ({QueuePort(config).ToString(CultureInfo.InvariantCulture)}/TCP)");
            allowed.Add($"the Kubernetes API ({HttpsPort}/TCP, {ApiServerPort}/TCP)");
        }
        allowed.Add(ingressPort is { } p ? $"ingress to {p.ToString(CultureInfo.InvariantCulture)}/TCP" : "no ingress");
        return string.Join(", ", allowed);
    }

    /// <summary>Redis: the port of <c>queue.address</c> (host:port, checked when the config was read); SQS: HTTPS.</summary>
    private static int QueuePort(KubernetesConfig config) =>
        config.QueueKind == QueueKind.Redis
            ? int.Parse(config.QueueAddress![(config.QueueAddress!.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)
            : HttpsPort;

    private static V1NetworkPolicyEgressRule Rule(params (string Protocol, int Port)[] ports) =>
        new() { Ports = [.. ports.Select(p => Port(p.Protocol, p.Port))] };

    private static V1NetworkPolicyPort Port(string protocol, int port) => new() { Protocol = protocol, Port = port };
}
