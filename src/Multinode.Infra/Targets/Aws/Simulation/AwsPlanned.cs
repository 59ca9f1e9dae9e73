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

/// <summary>The AWS target's planned children as the simulation reads them (the AWS side of <see cref="PlannedScaling"/>).</summary>
public static partial class PlannedScaling
{
    public const string GroupType = "aws:autoscaling/group:Group";
    public const string PolicyType = "aws:autoscaling/policy:Policy";
    public const string AlarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string LaunchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate";
    public const string ScheduleType = "aws:autoscaling/schedule:Schedule";

    /// <summary>The scheduled action <c>NAME-run</c>: its <c>recurrence</c> and <c>timeZone</c> (Etc/UTC when unset).</summary>
    public static PlannedSchedule AwsSchedule(WorkloadPlan plan)
    {
        var action = Inputs(Child(plan, ScheduleType, $"{plan.Workload.Name}-run"));
        return new PlannedSchedule(Text(At(action, "recurrence"))!, Text(At(action, "timeZone")) ?? "Etc/UTC", null);
    }

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
            Dictionary<string, MetricRef> metrics;
            string expression;
            int period;
            if (queries.Count == 0)
            {
                // A single-metric alarm: namespace, metricName, statistic and period on the alarm itself.
                metrics = new(StringComparer.Ordinal)
                {
                    ["m"] = Metric(alarm.Name, Text(At(inputs, "namespace")), Text(At(inputs, "metricName")), Text(At(inputs, "statistic"))),
                };
                expression = "m";
                period = (int)(Number(At(inputs, "period")) ?? 60);
            }
            else
            {
                metrics = queries.Where(q => At(q, "metric") is ObjectValue).ToDictionary(
                    q => Text(At(q, "id"))!,
                    q => Metric(alarm.Name, Text(At(q, "metric", "namespace")), Text(At(q, "metric", "metricName")), Text(At(q, "metric", "stat"))),
                    StringComparer.Ordinal);
                // The query that returns data: an expression, or a metric read as itself.
                var returned = queries.FirstOrDefault(q => At(q, "returnData") is BoolValue { Value: true })
                    ?? throw new InvalidOperationException($"{alarm.Name}: no query returns data");
                expression = Text(At(returned, "expression")) ?? Text(At(returned, "id"))!;
                period = (int)(queries.Select(q => Number(At(q, "metric", "period"))).FirstOrDefault(p => p is not null) ?? 60);
            }
            var evaluation = (int)(Number(At(inputs, "evaluationPeriods")) ?? 1);
            alarms.Add(new PlannedAlarm(alarm.Name, expression, metrics,
                Known(alarm.Name, "comparisonOperator", Text(At(inputs, "comparisonOperator")) ?? "", "GreaterThanOrEqualToThreshold",
                    "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"), Number(At(inputs, "threshold")) ?? 0, evaluation,
                (int)(Number(At(inputs, "datapointsToAlarm")) ?? evaluation), period, policy));
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
}
