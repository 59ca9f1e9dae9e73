using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// The Kubernetes target's replace-or-update table is generated from scripts/data/kubernetes-replace.json, which
/// records what pulumi-kubernetes replaces an object for and which of those fields the Kubernetes API refuses to
/// update. Every planned child carries its type's paths, and no path the upstream provider replaces for is missing.
/// </summary>
public sealed class KubernetesReplaceTableTests
{
    /// <summary>The upstream provider's force-new paths for the kinds this target plans, transcribed from
    /// pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (commit cafe8c4ac4de156415093291bffc63b6e1c97d1e):
    /// metadata.name and metadata.namespace for every kind; apps/v1 Deployment .spec.selector (and its matchLabels and
    /// matchExpressions); core/v1 Service .spec.clusterIP; Secret .type, .data and .stringData (enableSecretMutable is
    /// off by default); rbac RoleBinding .roleRef. CronJob, HPA, ServiceAccount, Role, policy/v1 PodDisruptionBudget
    /// and custom resources (KEDA) have no entry.</summary>
    private static readonly Dictionary<string, string[]> Upstream = new(StringComparer.Ordinal)
    {
        ["kubernetes:apps/v1:Deployment"] =
            ["spec.selector", "spec.selector.matchExpressions", "spec.selector.matchLabels"],
        ["kubernetes:core/v1:Service"] = ["spec.clusterIP"],
        ["kubernetes:core/v1:Secret"] = ["type", "data", "stringData"],
        ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"] = ["roleRef"],
    };

    /// <summary>Fields the Kubernetes API rejects in an update (kubernetes/kubernetes: ValidateSecretUpdate's
    /// ValidateImmutableField(type), ValidateServiceUpdate's spec.clusterIP, ValidateRoleBindingUpdate's "cannot change
    /// roleRef"; the Deployment docs: "a Deployment's label selector is immutable after it gets created" in
    /// apps/v1).</summary>
    private static readonly (string Type, string Path)[] ApiImmutable =
    [
        ("kubernetes:apps/v1:Deployment", "spec.selector"),
        ("kubernetes:core/v1:Secret", "type"),
        ("kubernetes:core/v1:Service", "spec.clusterIP"),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "roleRef"),
    ];

    private static PropertyMap SecretEnv(string value) =>
        new(("image", "img"), ("env", new PropertyMap(("T", PropertyValue.Secret(value)))));

    /// <summary>Children of every kind, with secret env (the env Secret), a queue with its TriggerAuthentication and
    /// every shipped Kubernetes program.</summary>
    private static IEnumerable<PlannedResource> Planned()
    {
        foreach (var kind in WorkloadKinds.All)
        {
            var properties = SecretEnv("t");
            if (kind == ScheduledTaskKind.Instance) properties = properties.With("schedule", "0 3 * * *");
            foreach (var r in KubernetesPlans.Plan(KubernetesPlans.Workload(kind, "w", properties)).Resources)
                yield return r;
        }
        var sqs = KubernetesPlans.Config("""
            { "serviceAccountName": "workers",
              "queue": { "kind": "aws-sqs", "region": "eu-west-1", "accountId": "123456789012" } }
            """);
        foreach (var kind in new WorkloadKind[] { FunctionKind.Instance, JobKind.Instance })
            foreach (var r in KubernetesPlans.Plan(KubernetesPlans.Workload(kind, "q", SecretEnv("t")), sqs).Resources)
                yield return r;
        foreach (var (_, program) in KubernetesPlans.KubernetesPrograms())
        {
            var plan = Planner.Plan(program, KindRegistry.Default);
            Assert.True(plan.IsValid, string.Join("\n", plan.Failures));
            foreach (var r in plan.Value!.Workloads.SelectMany(w => w.Resources)) yield return r;
        }
    }

    [Fact]
    public void PlannedChildren_CarryTheirTypesReplacePathsFromTheTable()
    {
        foreach (var child in Planned())
        {
            Assert.True(KubernetesReplaceTable.ReplaceOnChanges.TryGetValue(child.Type, out var paths),
                $"{child.Type} is not in scripts/data/kubernetes-replace.json");
            Assert.Equal(paths, child.Options.ReplaceOnChanges);
            Assert.True(child.Options.DeleteBeforeReplace, child.Name);
        }
    }

    [Fact]
    public void PlannedChildren_ReplaceForEveryPathTheUpstreamProviderReplacesFor()
    {
        var missing = new List<string>();
        foreach (var child in Planned().DistinctBy(c => c.Type))
        {
            // A cluster-scoped object (the worker's admission guard) has no namespace that could change.
            var namespaced = child.Inputs.Get("metadata") is ObjectValue { Map: var m } && m.Get("namespace") is not null;
            string[] metadata = namespaced ? ["metadata.name", "metadata.namespace"] : ["metadata.name"];
            foreach (var path in Upstream.GetValueOrDefault(child.Type, []).Concat(metadata))
                if (!child.Options.ReplaceOnChanges.Any(rule => PlanDiff.Covers(rule, path)))
                    missing.Add($"{child.Type} {path}");
        }
        Assert.True(missing.Count == 0,
            "upstream replaces for paths missing from scripts/data/kubernetes-replace.json: " +
            string.Join(", ", missing));
    }

    [Fact]
    public void Immutable_IsWhatTheKubernetesApiRefusesToUpdate()
    {
        var table = KubernetesReplaceTable.Immutable.SelectMany(e => e.Value.Select(p => (e.Key, p))).Order().ToList();
        Assert.Equal(ApiImmutable.Order(), table);
        foreach (var (type, path) in table) Assert.Contains(path, KubernetesReplaceTable.ReplaceOnChanges[type]);
    }

    [Fact]
    public void Data_RecordsTheUpstreamCommit()
    {
        using var data = JsonDocument.Parse(File.ReadAllText(Repo.File("scripts", "data", "kubernetes-replace.json")));
        var upstream = data.RootElement.GetProperty("upstream");
        Assert.Equal("pulumi/pulumi-kubernetes", upstream.GetProperty("repository").GetString());
        Assert.Matches("^[0-9a-f]{40}$", upstream.GetProperty("commit").GetString() ?? "");
    }

    [Fact]
    public void ReplaceReason_ImmutableField_SaysSo()
    {
        const string type = "kubernetes:apps/v1:Deployment";
        var deployment = new ResourceChange(type, "w", ChangeKind.Replace, [], ["metadata.name", "spec.selector"])
        {
            Immutable = KubernetesReplaceRules.ImmutableFor(type),
        };
        Assert.Equal("`metadata.name` changed, `spec.selector` is immutable", deployment.ReplaceReason);
        const string secretType = "kubernetes:core/v1:Secret";
        var secret = new ResourceChange(secretType, "w-env", ChangeKind.Replace, [], ["stringData"])
        {
            Immutable = KubernetesReplaceRules.ImmutableFor(secretType),
        };
        Assert.Equal("`stringData` changed", secret.ReplaceReason);
    }

    [Fact]
    public void Diff_ChangedSecretEnvValue_ReplacesTheEnvSecret()
    {
        WorkloadPlan Planned(string value) =>
            KubernetesPlans.Plan(KubernetesPlans.Workload(FunctionKind.Instance, "w", SecretEnv(value)));
        var config = KubernetesPlans.Config();
        var diff = PlanDiff.Compute(new Plan(config, [Planned("a")]), new Plan(config, [Planned("b")]));
        var secret = Assert.Single(diff.Workloads[0].Resources, r => r.Kind != ChangeKind.Same);
        Assert.Equal(("kubernetes:core/v1:Secret", ChangeKind.Replace), (secret.Type, secret.Kind));
        Assert.Equal("`stringData` changed", secret.ReplaceReason);
    }
}
