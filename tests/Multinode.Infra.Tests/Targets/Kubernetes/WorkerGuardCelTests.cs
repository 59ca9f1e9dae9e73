using Cel;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// Runs the planned admission policy's own CEL expressions (match condition, variables in order, validations)
/// against admission requests shaped as the Kubernetes docs describe them ("Validating Admission Policy": the
/// variables <c>object</c>, <c>oldObject</c>, <c>request</c> with <c>name</c> and <c>userInfo.username</c> /
/// <c>userInfo.extra</c>; a request is admitted only when every validation is true) and as the API server fills them
/// for a pod-bound service-account token (<c>system:serviceaccount:&lt;ns&gt;:&lt;sa&gt;</c>, extra
/// <c>authentication.kubernetes.io/pod-name: [pod]</c>). The evaluator is the Cel package (a port of cel-java), not
/// the API server's cel-go: it checks the expressions' logic, not the server's type checker.
/// </summary>
public sealed class WorkerGuardCelTests
{
    private const string Pod = "square-7d9c-x2k4q";
    private const string Cost = "controller.kubernetes.io/pod-deletion-cost";

    private static readonly PlannedResource Policy =
        Plan(Workload(FunctionKind.Instance, "square", Function), Config("""{ "namespace": "team-a" }""")).OfType(KubernetesTarget.PolicyType);

    [Fact]
    public void OwnPod_SettingOrChangingTheDeletionCost_IsAdmitted()
    {
        Assert.True(Admitted(Request(Pod), PodObject(), PodObject(annotations: new() { [Cost] = "1000000" })));
        Assert.True(Admitted(Request(Pod), PodObject(annotations: new() { [Cost] = "1000000", ["a"] = "b" }),
            PodObject(annotations: new() { [Cost] = "-30", ["a"] = "b" })));
    }

    [Fact]
    public void AnotherPod_OrATokenBoundToNoPod_IsRefused()
    {
        Assert.False(Admitted(Request("other-workload-5f6d-abcde"), PodObject(), PodObject(annotations: new() { [Cost] = "1" })));
        Assert.False(Admitted(Request(null), PodObject(), PodObject(annotations: new() { [Cost] = "1" })));
    }

    [Fact]
    public void OwnPod_AnyOtherChange_IsRefused()
    {
        Assert.False(Admitted(Request(Pod), PodObject(), PodObject(image: "registry.example.com/evil:1")));
        Assert.False(Admitted(Request(Pod), PodObject(), PodObject(labels: new() { ["app.kubernetes.io/name"] = "api" })));
        Assert.False(Admitted(Request(Pod), PodObject(), PodObject(annotations: new() { [Cost] = "1", ["other"] = "x" })));
        Assert.False(Admitted(Request(Pod), PodObject(annotations: new() { ["other"] = "x" }), PodObject()));
    }

    [Fact]
    public void OtherUsers_AreNotMatched()
    {
        var kubelet = Request(Pod, "system:node:ip-10-0-0-1");
        Assert.False(Matches(kubelet));
        Assert.True(Matches(Request(Pod)));
    }

    private static readonly CelEnvironment Env = new([], "");

    private static bool Matches(Dictionary<string, object?> request) =>
        Strings(Policy.At("spec.matchConditions"), "expression").All(e => (bool)Env.Program(e, Vars(request, PodObject(), PodObject()))!);

    private static bool Admitted(Dictionary<string, object?> request, Dictionary<string, object?> old, Dictionary<string, object?> @new)
    {
        Assert.True(Matches(request));
        var vars = Vars(request, old, @new);
        var variables = (Dictionary<string, object?>)vars["variables"]!;
        foreach (var v in ((ArrayValue)Policy.At("spec.variables")).Items)
            variables[((StringValue)v.At("name")).Value] = Env.Program(((StringValue)v.At("expression")).Value, vars);
        return Strings(Policy.At("spec.validations"), "expression").All(e => (bool)Env.Program(e, vars)!);
    }

    private static Dictionary<string, object?> Vars(Dictionary<string, object?> request, Dictionary<string, object?> old, Dictionary<string, object?> @new) =>
        new() { ["request"] = request, ["oldObject"] = old, ["object"] = @new, ["variables"] = new Dictionary<string, object?>() };

    /// <summary>An UPDATE of <see cref="Pod"/> made with a token of <paramref name="user"/> bound to
    /// <paramref name="boundPod"/> (null: a token bound to no pod, which carries no extra).</summary>
    private static Dictionary<string, object?> Request(string? boundPod, string user = "system:serviceaccount:team-a:square-worker")
    {
        var userInfo = new Dictionary<string, object?> { ["username"] = user };
        if (boundPod is not null)
            userInfo["extra"] = new Dictionary<string, object?> { ["authentication.kubernetes.io/pod-name"] = new object[] { boundPod } };
        return new() { ["name"] = Pod, ["namespace"] = "team-a", ["operation"] = "UPDATE", ["userInfo"] = userInfo };
    }

    private static Dictionary<string, object?> PodObject(string image = "ghcr.io/example/square:1.0",
        Dictionary<string, object?>? labels = null, Dictionary<string, object?>? annotations = null)
    {
        var metadata = new Dictionary<string, object?>
        {
            ["name"] = Pod,
            ["namespace"] = "team-a",
            ["labels"] = labels ?? new Dictionary<string, object?> { ["app.kubernetes.io/name"] = "square" },
        };
        if (annotations is not null) metadata["annotations"] = annotations;
        return new()
        {
            ["metadata"] = metadata,
            ["spec"] = new Dictionary<string, object?>
            {
                ["containers"] = new object[] { new Dictionary<string, object?> { ["name"] = "multinode-worker", ["image"] = image } },
            },
        };
    }

    private static List<string> Strings(PropertyValue list, string field) =>
        [.. ((ArrayValue)list).Items.Select(i => ((StringValue)i.At(field)).Value)];
}
