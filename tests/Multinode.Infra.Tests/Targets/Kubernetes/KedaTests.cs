using System.Text.RegularExpressions;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Tests.TypeCheck;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// KEDA's custom resources have no SDK class for tsc to check, so every field Multinode emits into them is checked
/// here against a stated schema: the fields of the keda.sh/v1alpha1 CRDs of KEDA 2.13 (the oldest version the
/// plans need) with their JSON types and enums. Parts that are Kubernetes types inside KEDA's CRDs (object
/// metadata, the Job spec, HPA behavior) are marked <c>k8s</c>: KubernetesClient models write them.
/// </summary>
public sealed partial class KedaTests
{
    /// <summary>path, then type: string, integer, boolean, object, array, map (string values), k8s; enums after ':'.</summary>
    private const string CommonSchema = """
        apiVersion string:keda.sh/v1alpha1
        kind string
        metadata k8s
        spec object
        spec.triggers array
        spec.triggers[] object
        spec.triggers[].type string
        spec.triggers[].name string
        spec.triggers[].metadata map
        spec.triggers[].metricType string:AverageValue|Value|Utilization
        spec.triggers[].useCachedMetrics boolean
        spec.triggers[].authenticationRef object
        spec.triggers[].authenticationRef.name string
        spec.triggers[].authenticationRef.kind string:TriggerAuthentication|ClusterTriggerAuthentication
        """;

    private static readonly Dictionary<string, string> Schemas = new(StringComparer.Ordinal)
    {
        [Keda.ScaledObjectType] = CommonSchema + """

            spec.scaleTargetRef object
            spec.scaleTargetRef.apiVersion string
            spec.scaleTargetRef.kind string
            spec.scaleTargetRef.name string
            spec.scaleTargetRef.envSourceContainerName string
            spec.pollingInterval integer
            spec.cooldownPeriod integer
            spec.initialCooldownPeriod integer
            spec.idleReplicaCount integer
            spec.minReplicaCount integer
            spec.maxReplicaCount integer
            spec.fallback object
            spec.fallback.failureThreshold integer
            spec.fallback.replicas integer
            spec.advanced object
            spec.advanced.restoreToOriginalReplicaCount boolean
            spec.advanced.horizontalPodAutoscalerConfig object
            spec.advanced.horizontalPodAutoscalerConfig.name string
            spec.advanced.horizontalPodAutoscalerConfig.behavior k8s
            spec.advanced.scalingModifiers object
            spec.advanced.scalingModifiers.formula string
            spec.advanced.scalingModifiers.target string
            spec.advanced.scalingModifiers.activationTarget string
            spec.advanced.scalingModifiers.metricType string:AverageValue|Value
            """,
        [Keda.ScaledJobType] = CommonSchema + """

            spec.jobTargetRef k8s
            spec.pollingInterval integer
            spec.successfulJobsHistoryLimit integer
            spec.failedJobsHistoryLimit integer
            spec.minReplicaCount integer
            spec.maxReplicaCount integer
            spec.envSourceContainerName string
            spec.rolloutStrategy string
            spec.rollout object
            spec.rollout.strategy string:default|gradual
            spec.rollout.propagationPolicy string:foreground|background
            spec.scalingStrategy object
            spec.scalingStrategy.strategy string:default|custom|accurate|eager
            spec.scalingStrategy.customScalingQueueLengthDeduction integer
            spec.scalingStrategy.customScalingRunningJobPercentage string
            spec.scalingStrategy.pendingPodConditions array
            spec.scalingStrategy.multipleScalersCalculation string:max|min|avg|sum
            """,
        [Keda.TriggerAuthenticationType] = """
            apiVersion string:keda.sh/v1alpha1
            kind string:TriggerAuthentication
            metadata k8s
            spec object
            spec.secretTargetRef array
            spec.secretTargetRef[] object
            spec.secretTargetRef[].parameter string
            spec.secretTargetRef[].name string
            spec.secretTargetRef[].key string
            spec.env array
            spec.env[] object
            spec.env[].parameter string
            spec.env[].name string
            spec.env[].containerName string
            spec.podIdentity object
            spec.podIdentity.provider string:none|azure-workload|gcp|aws|aws-eks|aws-kiam
            spec.podIdentity.identityOwner string:keda|workload
            spec.podIdentity.roleArn string
            spec.podIdentity.identityId string
            """,
    };

    /// <summary>Fields a resource of the type cannot do without.</summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        [Keda.ScaledObjectType] = ["apiVersion", "kind", "metadata", "spec.scaleTargetRef.name", "spec.triggers"],
        [Keda.ScaledJobType] = ["apiVersion", "kind", "metadata", "spec.jobTargetRef", "spec.triggers"],
        [Keda.TriggerAuthenticationType] = ["apiVersion", "kind", "metadata", "spec"],
    };

    /// <summary>Every KEDA child of every example program and of one workload of each kind under each queue setup.</summary>
    public static IEnumerable<PlannedResource> KedaChildren()
    {
        foreach (var (file, program) in KubernetesPrograms())
        {
            var plan = Planner.Plan(program, KindRegistry.Default);
            Assert.True(plan.IsValid, $"{file}: {string.Join("\n", plan.Failures)}");
            foreach (var workload in plan.Value!.Workloads)
                foreach (var child in workload.Resources.Where(r => Schemas.ContainsKey(r.Type)))
                    yield return child;
        }
        string[] configs =
        [
            "{}",
            """{ "queue": { "passwordSecret": { "name": "redis", "key": "pw" } } }""",
            """{ "serviceAccountName": "w", "queue": { "kind": "aws-sqs", "accountId": "123456789012" } }""",
            """{ "queue": { "kind": "aws-sqs", "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/r" } }""",
        ];
        foreach (var config in configs)
            foreach (var (kind, name, json) in OneOfEach())
                foreach (var child in Plan(Workload(kind, name, json), Config(config)).Resources.Where(r => Schemas.ContainsKey(r.Type)))
                    yield return child;
    }

    [Fact]
    public void KedaChildren_EveryEmittedField_IsInTheSchemaWithItsType()
    {
        var children = KedaChildren().ToList();
        Assert.Contains(children, c => c.Type == Keda.ScaledObjectType);
        Assert.Contains(children, c => c.Type == Keda.ScaledJobType);
        Assert.Contains(children, c => c.Type == Keda.TriggerAuthenticationType);
        var problems = children.SelectMany(Check).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void KedaChildren_ScalingModifiers_NameEveryTriggerTheFormulaUses()
    {
        var scalers = KedaChildren().Where(c => c.Type == Keda.ScaledObjectType).ToList();
        Assert.NotEmpty(scalers);
        foreach (var scaler in scalers)
        {
            var names = ((ArrayValue)scaler.At("spec.triggers")).Items.Select(t => ((ObjectValue)t).Map.Get("name")).ToList();
            Assert.All(names, n => Assert.IsType<StringValue>(n));
            var formula = scaler.Text("spec.advanced.scalingModifiers.formula");
            var identifiers = Identifier().Matches(formula).Select(m => m.Value).ToList();
            Assert.NotEmpty(identifiers);
            Assert.All(identifiers, i => Assert.Contains(PropertyValue.From(i), names));
        }
    }

    [Fact]
    public void Check_WrongFieldOrType_IsReported()
    {
        // Guards the guard: a misspelt field, a number as a string and a value outside an enum must all fail.
        var wrong = new PlannedResource(Keda.ScaledObjectType, "x", Json("""
            {
              "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": { "name": "x" },
              "spec": {
                "scaleTargetRef": { "name": "x" }, "minReplicas": 1, "maxReplicaCount": "5",
                "advanced": { "scalingModifiers": { "formula": "a", "target": "1", "metricType": "Average" } },
                "triggers": [ { "type": "redis", "name": "a", "metadata": { "listLength": 5 } } ]
              }
            }
            """), ResourceOptions.None);
        Assert.Equal(
        [
            "x (kubernetes:keda.sh/v1alpha1:ScaledObject): spec.minReplicas is not a field of the schema",
            "x (kubernetes:keda.sh/v1alpha1:ScaledObject): spec.maxReplicaCount = \"5\" must be integer",
            "x (kubernetes:keda.sh/v1alpha1:ScaledObject): spec.advanced.scalingModifiers.metricType = \"Average\" must be one of AverageValue, Value",
            "x (kubernetes:keda.sh/v1alpha1:ScaledObject): spec.triggers[].metadata.listLength = 5 must be a string",
        ], Check(wrong));
    }

    [Fact]
    public void KedaChildren_EmbeddedKubernetesParts_PassTscStrict()
    {
        // The schema leaves the Kubernetes parts of KEDA's CRDs to their Kubernetes types: wrap each in the
        // built-in resource that owns that type and let tsc check it against @pulumi/kubernetes.
        var wrapped = new List<PlannedResource>();
        foreach (var child in KedaChildren().DistinctBy(c => PropertyValue.From(c.Inputs).ToJson()))
        {
            var metadata = ("metadata", child.At("metadata"));
            if (child.Type == Keda.ScaledJobType)
                wrapped.Add(new PlannedResource("kubernetes:batch/v1:Job", $"{child.Name}-{wrapped.Count}",
                    new PropertyMap(metadata, ("spec", child.At("spec.jobTargetRef"))), ResourceOptions.None));
            if (child.Type == Keda.ScaledObjectType)
                wrapped.Add(new PlannedResource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", $"{child.Name}-{wrapped.Count}",
                    new PropertyMap(metadata, ("spec", new PropertyMap(
                        ("scaleTargetRef", child.At("spec.scaleTargetRef")),
                        ("maxReplicas", child.At("spec.maxReplicaCount")),
                        ("behavior", child.At("spec.advanced.horizontalPodAutoscalerConfig.behavior"))))), ResourceOptions.None));
            var meta = new PlannedResource("kubernetes:core/v1:ConfigMap", $"{child.Name}-meta-{wrapped.Count}", new PropertyMap(metadata), ResourceOptions.None);
            wrapped.Add(meta);
        }
        Assert.Contains(wrapped, w => w.Type == "kubernetes:batch/v1:Job");
        Assert.Contains(wrapped, w => w.Type == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        var holder = Workload(DaemonKind.Instance, "keda-parts", Daemon);
        var plan = new Plan(Config(), [new WorkloadPlan(holder, wrapped, PropertyMap.Empty, new PlanSummary())]);
        var (code, output) = Tsc(TypeScriptEmitter.Emit(plan));
        Assert.True(code == 0, $"tsc --strict rejected the Kubernetes parts of the KEDA children:\n{output}");
    }

    [Fact]
    public void Tsc_WrongJobSpec_IsRejected()
    {
        var (code, output) = Tsc("""
            import * as k8s from "@pulumi/kubernetes";
            new k8s.batch.v1.Job("j", { spec: { template: {}, parallelism: "one" } });
            """);
        Assert.NotEqual(0, code);
        Assert.Contains("error TS2322", output, StringComparison.Ordinal);
    }

    /// <summary>tsc --strict over one file, in a folder of its own beside the locked @pulumi/kubernetes install
    /// (tests/typecheck/generated belongs to TypeCheckTests, which may run at the same time).</summary>
    private static (int, string) Tsc(string source)
    {
        var project = Repo.File("tests", "typecheck");
        Node.EnsureInstalled(project);
        var folder = Directory.CreateTempSubdirectory("multinode-keda-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(folder, "node_modules"), Path.Combine(project, "node_modules"));
            File.Copy(Path.Combine(project, "tsconfig.json"), Path.Combine(folder, "tsconfig.json"));
            Directory.CreateDirectory(Path.Combine(folder, "generated"));
            File.WriteAllText(Path.Combine(folder, "generated", "keda.ts"), source);
            return Node.Run(folder, "node", Path.Combine(project, "node_modules", "typescript", "bin", "tsc"), "-p", ".");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    private static IEnumerable<string> Check(PlannedResource child)
    {
        var schema = Schemas[child.Type].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var where = $"{child.Name} ({child.Type})";
        var problems = new List<string>();
        foreach (var path in Required[child.Type])
        {
            if (child.Find(path) is null) problems.Add($"{where}: {path} is required");
        }
        Walk(PropertyValue.From(child.Inputs), "", schema, problems, where);
        return problems;
    }

    private static void Walk(PropertyValue value, string path, Dictionary<string, string> schema, List<string> problems, string where)
    {
        var type = path.Length == 0 ? "object" : schema.GetValueOrDefault(path);
        if (type is null)
        {
            problems.Add($"{where}: {path} is not a field of the schema");
            return;
        }
        var (kind, allowed) = type.Split(':', 2) is [var k, var e] ? (k, e.Split('|')) : (type, null);
        bool Fail(string expected)
        {
            problems.Add($"{where}: {path} = {value.Display()} must be {expected}");
            return false;
        }
        switch (kind)
        {
            case "string":
                if (value is not StringValue s) { Fail("a string"); return; }
                if (allowed is not null && !allowed.Contains(s.Value)) Fail($"one of {string.Join(", ", allowed)}");
                return;
            case "integer":
                if (value is not NumberValue n || n.Value != Math.Floor(n.Value)) Fail("integer");
                return;
            case "boolean":
                if (value is not BoolValue) Fail("true or false");
                return;
            case "k8s":
                if (value is not ObjectValue) Fail("an object");
                return;
            case "map":
                if (value is not ObjectValue m) { Fail("a map of strings"); return; }
                foreach (var (key, item) in m.Map)
                    if (item is not StringValue)
                        problems.Add($"{where}: {path}.{key} = {item.Display()} must be a string");
                return;
            case "array":
                if (value is not ArrayValue a) { Fail("an array"); return; }
                foreach (var item in a.Items)
                    if (schema.ContainsKey(path + "[]")) Walk(item, path + "[]", schema, problems, where);
                    else if (item is not StringValue) problems.Add($"{where}: {path}[] = {item.Display()} must be a string");
                return;
            case "object":
                if (value is not ObjectValue o) { Fail("an object"); return; }
                foreach (var (key, item) in o.Map)
                    Walk(item, path.Length == 0 ? key : $"{path}.{key}", schema, problems, where);
                return;
            default:
                throw new InvalidOperationException($"schema type {kind} at {path}");
        }
    }
}
