using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// Issue 25: the planned RBAC grants no action on another workload's objects. A Role rule either names objects
/// (<c>resourceNames</c>) that its own workload plans, or — for what RBAC cannot name, the generated pods — grants
/// only <c>patch</c> on pods and comes with a guard: a ValidatingAdmissionPolicy matching exactly the bound service
/// account's updates of pods, failing closed, refusing any pod but the one the caller's token is bound to, and bound
/// with Deny in the workload's namespace. Facts from the Kubernetes docs: "RBAC: Referring to resources" (a rule
/// without resourceNames covers every object of the resource in the namespace; generated names cannot be listed),
/// "Validating Admission Policy" (matchConditions, validationActions, failurePolicy), and the API server's
/// service-account user info (name <c>system:serviceaccount:&lt;ns&gt;:&lt;sa&gt;</c>, extra
/// <c>authentication.kubernetes.io/pod-name</c> for pod-bound tokens).
/// </summary>
public sealed class KubernetesRbacTests
{
    [Fact]
    public void EveryPlannedRole_OfEveryKind_GrantsNothingOnAnotherWorkloadsObjectsWithoutTheGuard()
    {
        foreach (var config in new[] { Config("""{ "namespace": "team-a" }"""), Config("""{ "serviceAccountName": "workers" }""") })
        {
            var plans = OneOfEach().Select(w => Plan(Workload(w.Kind, w.Name, w.Json), config)).ToList();
            Assert.Equal([], Unguarded(plans));
            Assert.Contains(plans, p => p.Resources.Any(r => r.Type == KubernetesTarget.RoleType));
        }
        foreach (var (file, program) in KubernetesPrograms())
        {
            var plan = Planner.Plan(program, KindRegistry.Default);
            Assert.True(plan.IsValid, $"{file}: {string.Join("\n", plan.Failures)}");
            Assert.Equal([], Unguarded(plan.Value!.Workloads).Select(p => $"{file}: {p}"));
        }
    }

    [Fact]
    public void Unguarded_RoleWithoutItsPolicyOrBinding_IsReported()
    {
        // Guards the guard: the same plan less either half of the admission policy is refused.
        var plan = Plan(Workload(FunctionKind.Instance, "square", Function));
        foreach (var type in new[] { KubernetesTarget.PolicyType, KubernetesTarget.PolicyBindingType })
        {
            var without = plan with { Resources = [.. plan.Resources.Where(r => r.Type != type)] };
            var problem = Assert.Single(Unguarded([without]));
            Assert.Contains("square-worker-role grants patch on every pods", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plan_FunctionAndJob_RoleAllowsPatchOnlyAndThePolicyNamesTheWorkersOwnPod()
    {
        var plan = Plan(Workload(JobKind.Instance, "transcode", Job), Config("""{ "namespace": "team-a" }"""));
        var role = plan.OfType(KubernetesTarget.RoleType);
        // The worker makes one call, a merge PATCH of its own pod (KubernetesPlatform.PublishAsync): no get.
        Assert.Equal(PropertyValue.Strings(["patch"]), role.At("rules[0].verbs"));
        var policy = plan.OfType(KubernetesTarget.PolicyType);
        Assert.Equal("multinode.team-a.transcode-worker", policy.Text("metadata.name"));
        Assert.Null(policy.Find("metadata.namespace"));
        Assert.Equal("request.userInfo.username == 'system:serviceaccount:team-a:transcode-worker'", policy.Text("spec.matchConditions[0].expression"));
        var binding = plan.OfType(KubernetesTarget.PolicyBindingType);
        Assert.Equal("multinode.team-a.transcode-worker", binding.Text("spec.policyName"));
        // Order: the guard exists before the Role grants anything, and before the pods run.
        Assert.Contains(policy.Name, binding.DependsOn);
        Assert.Contains(binding.Name, role.DependsOn);
        Assert.Contains(binding.Name, plan.Workers().DependsOn);
    }

    /// <summary>Each rule of each planned Role that could touch another workload's objects without the guard.</summary>
    private static List<string> Unguarded(IReadOnlyList<WorkloadPlan> plans)
    {
        var problems = new List<string>();
        foreach (var plan in plans)
        {
            problems.AddRange(plan.Resources.Where(r => r.Type.Contains(":ClusterRole", StringComparison.Ordinal))
                .Select(r => $"{r.Name}: a cluster-wide grant"));
            var own = plan.Resources.Select(r => r.Find("metadata.name")).OfType<StringValue>().Select(s => s.Value).ToHashSet();
            foreach (var role in plan.Resources.Where(r => r.Type == KubernetesTarget.RoleType))
            {
                var ns = role.Text("metadata.namespace");
                var bindings = plans.SelectMany(p => p.Resources.Select(r => (p, r)))
                    .Where(b => b.r.Type == KubernetesTarget.RoleBindingType && b.r.Text("roleRef.name") == role.Text("metadata.name")).ToList();
                if (bindings.Any(b => b.p != plan)) problems.Add($"{role.Name} is bound by another workload");
                var subjects = bindings.SelectMany(b => Items(b.r.At("subjects"))).Select(s => ((StringValue)s.At("name")).Value).ToList();
                foreach (var rule in Items(role.At("rules")))
                {
                    var verbs = Strings(rule.At("verbs"));
                    var resources = Strings(rule.At("resources"));
                    if (rule.Find("resourceNames") is { } names)
                    {
                        problems.AddRange(Strings(names).Where(n => !own.Contains(n)).Select(n => $"{role.Name} names {n}, not its own object"));
                        continue;
                    }
                    var grant = $"{role.Name} grants {string.Join(",", verbs)} on every {string.Join(",", resources)} of namespace {ns}";
                    if (!resources.SequenceEqual(["pods"]) || !Strings(rule.At("apiGroups")).SequenceEqual([""]) || verbs.Any(v => v != "patch"))
                        problems.Add($"{grant}: only patch on pods can be guarded");
                    else if (subjects.Count == 0 || subjects.Any(s => !Guarded(plan, ns, s)))
                        problems.Add($"{grant} without the admission guard for service account(s) {string.Join(",", subjects)}");
                }
            }
        }
        return problems;
    }

    /// <summary>A policy of the plan that, bound with Deny in <paramref name="ns"/>, fails closed on every pod update
    /// by <paramref name="serviceAccount"/> that is not of the caller's own pod.</summary>
    private static bool Guarded(WorkloadPlan plan, string ns, string serviceAccount) =>
        plan.Resources.Where(r => r.Type == KubernetesTarget.PolicyType).Any(policy =>
            policy.Text("spec.failurePolicy") == "Fail" &&
            Items(policy.At("spec.matchConstraints.resourceRules")).Any(r =>
                Strings(r.At("resources")).Contains("pods") && Strings(r.At("operations")).Contains("UPDATE") && Strings(r.At("apiGroups")).Contains("")) &&
            Strings(policy.At("spec.matchConditions"), "expression").SequenceEqual([$"request.userInfo.username == 'system:serviceaccount:{ns}:{serviceAccount}'"]) &&
            Strings(policy.At("spec.validations"), "expression").Any(e =>
                e.Contains("request.userInfo.extra['authentication.kubernetes.io/pod-name'] == [request.name]", StringComparison.Ordinal)) &&
            plan.Resources.Any(b => b.Type == KubernetesTarget.PolicyBindingType &&
                b.Text("spec.policyName") == policy.Text("metadata.name") &&
                Strings(b.At("spec.validationActions")).Contains("Deny") &&
                ((ObjectValue)b.At("spec.matchResources.namespaceSelector.matchLabels")).Map.Equals(new PropertyMap(("kubernetes.io/metadata.name", ns)))));

    private static IReadOnlyList<PropertyValue> Items(PropertyValue value) => ((ArrayValue)value).Items;

    private static List<string> Strings(PropertyValue value, string? field = null) =>
        [.. Items(value).Select(v => ((StringValue)(field is null ? v : v.At(field))).Value)];
}
