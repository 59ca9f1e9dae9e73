using System.Globalization;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Simulation;

/// <summary>A scaling rule set of the HPA (<c>behavior.scaleUp</c> or <c>scaleDown</c>).</summary>
public sealed record HpaRules(int StabilizationWindowSeconds, IReadOnlyList<(string Type, int Value, int PeriodSeconds)> Policies, string SelectPolicy);

/// <summary>The HPA's behavior: the plan's where it sets one, Kubernetes' defaults elsewhere.</summary>
public sealed record HpaBehavior(HpaRules ScaleUp, HpaRules ScaleDown)
{
    /// <summary>Kubernetes' defaults: up without stabilisation by max(100 %, 4 pods) per 15 s; down after 300 s, 100 % per 15 s.</summary>
    public static readonly HpaBehavior Default = new(
        new HpaRules(0, [("Percent", 100, 15), ("Pods", 4, 15)], "Max"),
        new HpaRules(300, [("Percent", 100, 15)], "Max"));
}

/// <summary>Which in-flight signal a KEDA trigger reads.</summary>
public enum QueueSignal { Waiting, Processing, InFlight }

/// <summary>A KEDA trigger by name and the signal it measures.</summary>
public sealed record KedaTrigger(string Name, QueueSignal Signal);

/// <summary>A KEDA ScaledObject (and the HPA it manages), as planned.</summary>
public sealed record KedaScaling(int PollingSeconds, int CooldownSeconds, int Min, int Max, string Formula, double Target,
    IReadOnlyList<KedaTrigger> Triggers, HpaBehavior Behavior, WorkerRule? PerWorker);

/// <summary>A KEDA ScaledJob, as planned.</summary>
public sealed record KedaJobScaling(int PollingSeconds, int Max, string Strategy, IReadOnlyList<KedaTrigger> Triggers, int? IdleSeconds);

/// <summary>A CPU HorizontalPodAutoscaler, as planned: the pod's CPU request (what utilisation is measured against)
/// and its limit (the most it can use; null: none).</summary>
public sealed record HpaCpuScaling(int Min, int Max, double TargetUtilization, HpaBehavior Behavior, double CpuPerPod, double? CpuLimit);

/// <summary>The Kubernetes target's planned children as the simulation reads them (the Kubernetes side of
/// <see cref="PlannedScaling"/>).</summary>
public static partial class PlannedScaling
{
    public const string ScaledObjectType = "kubernetes:keda.sh/v1alpha1:ScaledObject";
    public const string ScaledJobType = "kubernetes:keda.sh/v1alpha1:ScaledJob";
    public const string HpaType = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
    public const string DeploymentType = "kubernetes:apps/v1:Deployment";

    public const string CronJobType = "kubernetes:batch/v1:CronJob";

    /// <summary>The CronJob: its <c>schedule</c>, <c>timeZone</c> (Etc/UTC when unset) and its Jobs' <c>activeDeadlineSeconds</c>.</summary>
    public static PlannedSchedule KubernetesSchedule(WorkloadPlan plan)
    {
        var spec = At(Inputs(Child(plan, CronJobType, plan.Workload.Name)), "spec");
        return new PlannedSchedule(Text(At(spec, "schedule"))!, Text(At(spec, "timeZone")) ?? "Etc/UTC",
            (int?)Number(At(spec, "jobTemplate", "spec", "activeDeadlineSeconds")));
    }

    /// <summary>The worker sidecar's container on Kubernetes.</summary>
    public const string WorkerContainer = "multinode-worker";

    private static IEnumerable<PropertyValue> Containers(PropertyValue podSpec) => Items(At(podSpec, "containers"));

    private static int? ContainerEnv(PropertyValue? podSpec, string container, string name) =>
        podSpec is null ? null : Containers(podSpec)
            .Where(c => Text(At(c, "name")) == container)
            .SelectMany(c => Items(At(c, "env")))
            .Where(e => Text(At(e, "name")) == name)
            .Select(e => (int?)Number(At(e, "value")))
            .FirstOrDefault();

    private static HpaBehavior Behavior(PropertyValue? behavior)
    {
        HpaRules Rules(PropertyValue? rules, HpaRules fallback) => rules is not ObjectValue ? fallback : new HpaRules(
            (int)(Number(At(rules, "stabilizationWindowSeconds")) ?? fallback.StabilizationWindowSeconds),
            At(rules, "policies") is ArrayValue policies
                ? [.. policies.Items.Select(p => (Text(At(p, "type")) ?? "Pods", (int)(Number(At(p, "value")) ?? 0), (int)(Number(At(p, "periodSeconds")) ?? 15)))]
                : fallback.Policies,
            Text(At(rules, "selectPolicy")) ?? fallback.SelectPolicy);
        return new HpaBehavior(Rules(At(behavior, "scaleUp"), HpaBehavior.Default.ScaleUp), Rules(At(behavior, "scaleDown"), HpaBehavior.Default.ScaleDown));
    }

    private static IReadOnlyList<KedaTrigger> Triggers(PropertyValue spec) =>
        [.. Items(At(spec, "triggers")).Select(t =>
        {
            var name = Text(At(t, "name")) ?? Text(At(t, "type"))!;
            var signal = Text(At(t, "type")) switch
            {
                "redis" when Text(At(t, "metadata", "listName"))?.EndsWith(":processing", StringComparison.Ordinal) == true => QueueSignal.Processing,
                "redis" => QueueSignal.Waiting,
                "aws-sqs-queue" when Text(At(t, "metadata", "scaleOnInFlight")) == "false" => QueueSignal.Waiting,
                "aws-sqs-queue" => QueueSignal.InFlight,
                var other => throw new InvalidOperationException(
                    $"trigger \"{name}\": type = \"{other}\" has no simulation model (known: redis, aws-sqs-queue)"),
            };
            return new KedaTrigger(name, signal);
        })];

    public static KedaScaling Keda(WorkloadPlan plan, PlatformParameters p)
    {
        var name = plan.Workload.Name;
        var spec = At(Inputs(Child(plan, ScaledObjectType, $"{name}-scaler")), "spec")!;
        var triggers = Triggers(spec);
        var modifiers = At(spec, "advanced", "scalingModifiers");
        var deployment = At(Inputs(Child(plan, DeploymentType, name)), "spec", "template", "spec");
        return new KedaScaling(
            (int)(Number(At(spec, "pollingInterval")) ?? p.KedaPollingSeconds),
            (int)(Number(At(spec, "cooldownPeriod")) ?? p.KedaCooldownSeconds),
            (int)(Number(At(spec, "minReplicaCount")) ?? 0),
            (int)(Number(At(spec, "maxReplicaCount")) ?? 100),
            Text(At(modifiers, "formula")) ?? string.Join(" + ", triggers.Select(t => t.Name)),
            Number(At(modifiers, "target")) ?? 1,
            triggers,
            Behavior(At(spec, "advanced", "horizontalPodAutoscalerConfig", "behavior")),
            WorkerRuleFrom(ContainerEnv(deployment, WorkerContainer, "MULTINODE_COOLDOWN_SECONDS"),
                ContainerEnv(deployment, WorkerContainer, "MULTINODE_SPARE_WORKERS")));
    }

    public static KedaJobScaling KedaJob(WorkloadPlan plan, PlatformParameters p)
    {
        var spec = At(Inputs(Child(plan, ScaledJobType, plan.Workload.Name)), "spec")!;
        return new KedaJobScaling(
            (int)(Number(At(spec, "pollingInterval")) ?? p.KedaPollingSeconds),
            (int)(Number(At(spec, "maxReplicaCount")) ?? 100),
            Text(At(spec, "scalingStrategy", "strategy")) ?? "default",
            Triggers(spec),
            (int?)Number(At(spec, "jobTargetRef", "activeDeadlineSeconds")));
    }

    public static HpaCpuScaling Hpa(WorkloadPlan plan)
    {
        var name = plan.Workload.Name;
        var spec = At(Inputs(Child(plan, HpaType, $"{name}-hpa")), "spec")!;
        var target = Items(At(spec, "metrics"))
            .Where(m => Text(At(m, "resource", "name")) == "cpu")
            .Select(m => Number(At(m, "resource", "target", "averageUtilization")))
            .FirstOrDefault() ?? 80;
        var pod = At(Inputs(Child(plan, DeploymentType, name)), "spec", "template", "spec")!;
        var container = Containers(pod).FirstOrDefault(c => Text(At(c, "name")) == name);
        var cpu = CpuQuantity(Text(At(container, "resources", "requests", "cpu"))) ?? plan.Workload.Resources.Cpu;
        return new HpaCpuScaling((int)(Number(At(spec, "minReplicas")) ?? 1), (int)(Number(At(spec, "maxReplicas")) ?? 1), target,
            Behavior(At(spec, "behavior")), cpu, CpuQuantity(Text(At(container, "resources", "limits", "cpu"))));
    }

    /// <summary>A Kubernetes CPU quantity: "2", "0.5", "500m".</summary>
    public static double? CpuQuantity(string? quantity) =>
        quantity is null ? null
        : quantity.EndsWith('m') && double.TryParse(quantity[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var milli) ? milli / 1000
        : double.TryParse(quantity, NumberStyles.Float, CultureInfo.InvariantCulture, out var cores) ? cores : null;
}
