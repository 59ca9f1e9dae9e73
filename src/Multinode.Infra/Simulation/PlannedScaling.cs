using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Simulation;

/// <summary>A metric a CloudWatch query reads: which signal of the simulation it stands for, and how a period is aggregated.</summary>
public sealed record MetricRef(string Namespace, string Name, string Stat)
{
    /// <summary>The metrics the AWS model simulates; any other is an error naming it.</summary>
    public static readonly IReadOnlyList<(string Namespace, string Name)> Known =
    [
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"), ("AWS/SQS", "ApproximateNumberOfMessagesNotVisible"),
        ("AWS/AutoScaling", "GroupInServiceInstances"), ("AWS/AutoScaling", "GroupDesiredCapacity"),
        ("AWS/EC2", "CPUUtilization"),
    ];

    /// <summary>The statistics the model aggregates a period by.</summary>
    public static readonly string[] Stats = ["Average", "Maximum", "Minimum", "Sum", "SampleCount"];

    /// <summary>SQS and group metrics are sampled (one count per sampling interval); EC2 CPU is an average over the period.</summary>
    public bool Sampled => Namespace != "AWS/EC2";
}

/// <summary>One step adjustment: breach (metric − threshold) in [Lower, Upper) ⇒ Adjustment.</summary>
public sealed record StepAdjustment(double? Lower, double? Upper, int Adjustment);

/// <summary>A planned CloudWatch alarm and the step policy its action invokes.</summary>
public sealed record PlannedAlarm(string Name, string Expression, IReadOnlyDictionary<string, MetricRef> Metrics, string Comparison, double Threshold,
    int EvaluationPeriods, int DatapointsToAlarm, int Period, PlannedStepPolicy Policy);

/// <summary>A planned step-scaling policy: how its adjustment applies, how it aggregates the alarm's datapoints
/// (<c>metricAggregationType</c>, Average when unset) and its own instance warm-up (null: the group's).</summary>
public sealed record PlannedStepPolicy(string Name, string AdjustmentType, IReadOnlyList<StepAdjustment> Steps,
    string MetricAggregationType, int? WarmupSeconds);

/// <summary>A planned target-tracking policy: a metric-math expression over <see cref="Metrics"/>, or the predefined
/// average CPU utilisation when <see cref="Expression"/> is null.</summary>
public sealed record PlannedTracking(string Name, double Target, string? Expression, IReadOnlyDictionary<string, MetricRef> Metrics,
    bool DisableScaleIn, int? WarmupSeconds);

/// <summary>
/// The per-worker scale-in of the worker sidecar (issue 13): an idle worker ends its own instance once it has been idle
/// for <see cref="CooldownSeconds"/> and the group has more workers in service than in-flight + <see cref="SpareWorkers"/>.
/// Present only when the plan gives the worker these settings, so the simulation follows what is deployed.
/// </summary>
public sealed record WorkerRule(int CooldownSeconds, int SpareWorkers)
{
    /// <summary>The worker's confirm window: cooldown / 10 within 2..30 s (src/Multinode.Worker/Program.cs).</summary>
    public int ConfirmSeconds => Math.Clamp(CooldownSeconds / 10, 2, 30);
}

/// <summary>An EC2 Auto Scaling group with its policies and alarms, as planned. <see cref="GroupWarmupSeconds"/> is
/// the group's <c>defaultInstanceWarmup</c>, else its <c>defaultCooldown</c> (null: neither is set).
/// <see cref="ContainerCpus"/> is the <c>docker run --cpus</c> cap of the user's container (null: none);
/// <see cref="ScaleOutSeconds"/> the workers' MULTINODE_SCALE_OUT_SECONDS (null: workers never raise desired);
/// <see cref="MessageWaitSeconds"/> MULTINODE_MESSAGE_WAIT_SECONDS, present for a worker that takes one message and
/// ends its instance.</summary>
public sealed record AwsScaling(int Min, int Max, bool ProtectFromScaleIn, IReadOnlyList<PlannedAlarm> Alarms,
    IReadOnlyList<PlannedTracking> Tracking, int? CpuPeriodSeconds, double VCpusPerInstance, WorkerRule? PerWorker,
    int? MessageWaitSeconds, int? GroupWarmupSeconds, double? ContainerCpus, int? ScaleOutSeconds)
{
    /// <summary>The worker takes one message, runs it and ends its own instance.</summary>
    public bool OneExecutionPerWorker => MessageWaitSeconds is not null;
}

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

/// <summary>
/// Reads a workload's planned children (by type token and name suffix) into the numbers the platform models run on:
/// the simulation tests what is deployed, not what was declared.
/// </summary>
public static partial class PlannedScaling
{
    public const string GroupType = "aws:autoscaling/group:Group";
    public const string PolicyType = "aws:autoscaling/policy:Policy";
    public const string AlarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string LaunchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate";
    public const string ScaledObjectType = "kubernetes:keda.sh/v1alpha1:ScaledObject";
    public const string ScaledJobType = "kubernetes:keda.sh/v1alpha1:ScaledJob";
    public const string HpaType = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
    public const string DeploymentType = "kubernetes:apps/v1:Deployment";

    /// <summary>The worker sidecar's container on Kubernetes.</summary>
    public const string WorkerContainer = "multinode-worker";

    private static PlannedResource Child(WorkloadPlan plan, string type, string name) =>
        plan.Resources.FirstOrDefault(r => r.Type == type && r.Name == name)
        ?? throw new InvalidOperationException($"{plan.Workload.Label}: the plan has no {type} named \"{name}\"");

    private static PropertyValue? At(PropertyValue? value, params string[] path)
    {
        foreach (var key in path)
        {
            if (value is SecretValue s) value = s.Value;
            value = value is ObjectValue o ? o.Map.Get(key) : null;
        }
        return value is SecretValue secret ? secret.Value : value;
    }

    private static double? Number(PropertyValue? value) => value switch
    {
        NumberValue n => n.Value,
        StringValue s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string? Text(PropertyValue? value) => value is StringValue s ? s.Value : null;

    private static IEnumerable<PropertyValue> Items(PropertyValue? value) => value is ArrayValue a ? a.Items : [];

    private static PropertyValue Inputs(PlannedResource r) => PropertyValue.From(r.Inputs);

    public static AwsScaling Aws(WorkloadPlan plan)
    {
        var name = plan.Workload.Name;
        var group = Inputs(Child(plan, GroupType, $"{name}-asg"));
        var policies = plan.Resources.Where(r => r.Type == PolicyType).ToList();
        foreach (var p in policies)
        {
            var type = Text(At(Inputs(p), "policyType")) ?? "SimpleScaling";
            if (type is not ("StepScaling" or "TargetTrackingScaling"))
                throw new InvalidOperationException($"{p.Name}: policyType = \"{type}\" has no simulation model (known: StepScaling, TargetTrackingScaling)");
        }
        var steps = policies
            .Where(p => Text(At(Inputs(p), "policyType")) == "StepScaling")
            .ToDictionary(p => p.Name, p => new PlannedStepPolicy(p.Name, Known(p.Name, "adjustmentType",
                    Text(At(Inputs(p), "adjustmentType")) ?? "ChangeInCapacity", "ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"),
                [.. Items(At(Inputs(p), "stepAdjustments")).Select(s => new StepAdjustment(
                    Number(At(s, "metricIntervalLowerBound")), Number(At(s, "metricIntervalUpperBound")),
                    (int)(Number(At(s, "scalingAdjustment")) ?? 0)))],
                // "If the aggregation type is null, the value is treated as Average" (PutScalingPolicy).
                Known(p.Name, "metricAggregationType", Text(At(Inputs(p), "metricAggregationType")) ?? "Average", "Average", "Minimum", "Maximum"),
                (int?)Number(At(Inputs(p), "estimatedInstanceWarmup"))), StringComparer.Ordinal);
        var alarms = new List<PlannedAlarm>();
        foreach (var alarm in plan.Resources.Where(r => r.Type == AlarmType))
        {
            var inputs = Inputs(alarm);
            var action = Items(At(inputs, "alarmActions")).OfType<ReferenceValue>().FirstOrDefault();
            if (action is null || !steps.TryGetValue(action.Resource, out var policy)) continue;
            var queries = Items(At(inputs, "metricQueries")).ToList();
            var metrics = queries.Where(q => At(q, "metric") is ObjectValue).ToDictionary(
                q => Text(At(q, "id"))!,
                q => Metric(alarm.Name, Text(At(q, "metric", "namespace")), Text(At(q, "metric", "metricName")), Text(At(q, "metric", "stat"))),
                StringComparer.Ordinal);
            var expression = queries.Where(q => At(q, "returnData") is BoolValue { Value: true }).Select(q => Text(At(q, "expression"))).FirstOrDefault()
                ?? throw new InvalidOperationException($"{alarm.Name}: no query returns data");
            var period = queries.Select(q => Number(At(q, "metric", "period"))).FirstOrDefault(p => p is not null) ?? 60;
            var evaluation = (int)(Number(At(inputs, "evaluationPeriods")) ?? 1);
            alarms.Add(new PlannedAlarm(alarm.Name, expression, metrics,
                Known(alarm.Name, "comparisonOperator", Text(At(inputs, "comparisonOperator")) ?? "", "GreaterThanOrEqualToThreshold",
                    "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"), Number(At(inputs, "threshold")) ?? 0, evaluation,
                (int)(Number(At(inputs, "datapointsToAlarm")) ?? evaluation), (int)period, policy));
        }
        var tracking = new List<PlannedTracking>();
        foreach (var p in policies.Where(p => Text(At(Inputs(p), "policyType")) == "TargetTrackingScaling"))
        {
            var config = At(Inputs(p), "targetTrackingConfiguration");
            var custom = Items(At(config, "customizedMetricSpecification", "metrics")).ToList();
            var metrics = custom.Where(m => At(m, "metricStat") is ObjectValue).ToDictionary(
                m => Text(At(m, "id"))!,
                m => Metric(p.Name, Text(At(m, "metricStat", "metric", "namespace")), Text(At(m, "metricStat", "metric", "metricName")),
                    Text(At(m, "metricStat", "stat"))),
                StringComparer.Ordinal);
            var expression = custom.Where(m => At(m, "returnData") is BoolValue { Value: true }).Select(m => Text(At(m, "expression"))).FirstOrDefault();
            var predefined = Text(At(config, "predefinedMetricSpecification", "predefinedMetricType"));
            if (expression is null && predefined != "ASGAverageCPUUtilization")
                throw new InvalidOperationException($"{p.Name}: target tracking on {predefined ?? "no metric"} has no simulation model " +
                    "(known: ASGAverageCPUUtilization, or a customized metric over the metrics of MetricRef.Known)");
            tracking.Add(new PlannedTracking(p.Name, Number(At(config, "targetValue")) ?? 0, expression, metrics,
                At(config, "disableScaleIn") is BoolValue { Value: true }, (int?)Number(At(Inputs(p), "estimatedInstanceWarmup"))));
        }
        var template = Inputs(Child(plan, LaunchTemplateType, $"{name}-lt"));
        var instanceType = Text(At(template, "instanceType"));
        var vcpus = Catalog.InstanceCatalog.Default.Types.FirstOrDefault(t => t.Name == instanceType)?.VCpus ?? plan.Workload.Resources.Cpu;
        var userData = UserDataText(Text(At(template, "userData")));
        var warmup = Number(At(group, "defaultInstanceWarmup")) is { } w and >= 0 ? (int?)w : (int?)Number(At(group, "defaultCooldown"));
        return new AwsScaling(
            (int)(Number(At(group, "minSize")) ?? 0), (int)(Number(At(group, "maxSize")) ?? 0),
            At(group, "protectFromScaleIn") is BoolValue { Value: true },
            alarms, tracking,
            At(template, "monitoring", "enabled") is BoolValue { Value: true } ? 60 : null,
            vcpus,
            WorkerRuleFrom(Env(userData, "MULTINODE_COOLDOWN_SECONDS"), Env(userData, "MULTINODE_SPARE_WORKERS")),
            Env(userData, "MULTINODE_MESSAGE_WAIT_SECONDS"),
            warmup,
            ContainerCpus(userData),
            Env(userData, "MULTINODE_SCALE_OUT_SECONDS"));
    }

    private static string UserDataText(string? base64)
    {
        if (base64 is null) return "";
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(base64)); }
        catch (FormatException) { return base64; }
    }

    [GeneratedRegex(@"-e (?<name>MULTINODE_[A-Z_]+)=(?<value>\d+)\b")]
    private static partial Regex DockerEnv();

    /// <summary>The <c>--cpus</c> of the user's container's <c>docker run</c> (the line naming it
    /// <c>--name app</c>, the app container of the boot script).</summary>
    [GeneratedRegex(@"docker run [^\n]*--name app\b[^\n]*?--cpus (?<cpus>[0-9.]+)")]
    private static partial Regex AppCpus();

    private static double? ContainerCpus(string userData) =>
        AppCpus().Match(userData) is { Success: true } m ? double.Parse(m.Groups["cpus"].Value, CultureInfo.InvariantCulture) : null;

    private static string Known(string resource, string property, string value, params string[] known) =>
        known.Contains(value, StringComparer.Ordinal) ? value
            : throw new InvalidOperationException($"{resource}: {property} = \"{value}\" has no simulation model (known: {string.Join(", ", known)})");

    private static MetricRef Metric(string resource, string? ns, string? name, string? stat)
    {
        var metric = new MetricRef(ns ?? "", name ?? "", stat ?? "");
        if (!MetricRef.Known.Contains((metric.Namespace, metric.Name)))
            throw new InvalidOperationException($"{resource}: metric {metric.Namespace}/{metric.Name} has no simulation model " +
                $"(known: {string.Join(", ", MetricRef.Known.Select(k => $"{k.Namespace}/{k.Name}"))})");
        return new MetricRef(metric.Namespace, metric.Name, Known(resource, $"{metric.Name}.stat", metric.Stat, MetricRef.Stats));
    }

    private static int? Env(string userData, string name) =>
        DockerEnv().Matches(userData).Where(m => m.Groups["name"].Value == name)
            .Select(m => (int?)int.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).FirstOrDefault();

    private static WorkerRule? WorkerRuleFrom(int? cooldown, int? spare) =>
        cooldown is { } c ? new WorkerRule(c, spare ?? 0) : null;

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
