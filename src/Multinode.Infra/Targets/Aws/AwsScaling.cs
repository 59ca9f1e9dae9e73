using Multinode.Contracts;
using Multinode.Infra.Values;
using static Multinode.Infra.Targets.Aws.AwsChildren;

namespace Multinode.Infra.Targets.Aws;

/// <summary>The Auto Scaling group and what scales it (docs/scaling.md): queue-driven target tracking and step
/// policies with their alarms, CPU target tracking, a scheduled action, and a warm pool's drain hook.</summary>
internal static class AwsScaling
{
    public static PropertyMap Group(AwsChildren c, string lt, string? queue, string? secrets, string? tg)
    {
        var shape = c.Shape;
        // The group pins the template's latest version, so a new machine shape shows in the preview as the group
        // moving to a new version, never as a new group. New instances use it; a load-balanced group's replicas also
        // roll to it through the instance refresh below, while queue workers and daemons turn over on their own.
        var version = PropertyValue.Concat(Ref(lt, "latestVersion"));
        var launchTemplate = Obj(("id", Ref(lt, "id")), ("version", version));
        // One entry per key (AWS rejects duplicates): the workload's own tags may rename instances; Multinode's win.
        var tags = new PropertyMap(
            new[] { KeyValuePair.Create("Name", (PropertyValue)c.Name) }
                .Concat(((ObjectValue)c.Tags).Map)
                .Concat(new (string Key, string? Child, string Property)[]
                    {
                        (UserData.QueueUrlTag, queue, "url"),
                        (UserData.SecretsTag, secrets, "name"),
                    }
                    .Where(t => t.Child is not null)
                    .Select(t => KeyValuePair.Create(t.Key, Ref(t.Child!, t.Property)))));
        var types = c.Choice.Types;
        return new PropertyMap(
            ("minSize", shape.MinSize),
            ("maxSize", shape.MaxSize),
            ("vpcZoneIdentifiers", c.Aws.SubnetIds),
            ("launchTemplate", types.Count == 1 ? launchTemplate : null),
            ("mixedInstancesPolicy", types.Count > 1
                ? Obj(("launchTemplate", Obj(
                    ("launchTemplateSpecification", Obj(("launchTemplateId", Ref(lt, "id")), ("version", version))),
                    ("overrides", PropertyValue.From(types.Select(t => Obj(("instanceType", t.Name))))))))
                : null),
            ("targetGroupArns", tg is not null ? List(Ref(tg, "arn")) : null),
            ("healthCheckType", tg is not null ? "ELB" : "EC2"),
            ("healthCheckGracePeriod", 300),
            ("protectFromScaleIn", shape.ProtectFromScaleIn),
            // Terminate the old instance before launching the new one; with AZ rebalancing off, two never run at once.
            ("instanceMaintenancePolicy", shape.OneAtATime ? Obj(("minHealthyPercentage", 0), ("maxHealthyPercentage", 100)) : null),
            // Rebalancing launches before it terminates: a second daemon or scheduled run, or an extra one-message worker.
            ("suspendedProcesses", shape.NoRebalance ? PropertyValue.Strings(["AZRebalance"]) : null),
            ("instanceRefresh", shape.RollingRefresh
                ? Obj(("strategy", "Rolling"), ("preferences", Obj(("minHealthyPercentage", 90))))
                : null),
            ("metricsGranularity", "1Minute"),
            ("enabledMetrics", PropertyValue.Strings(["GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances"])),
            ("tags", PropertyValue.From(tags.Select(t => Obj(("key", t.Key), ("value", t.Value), ("propagateAtLaunch", true))))));
    }

    /// <summary>The kind's scaling children, from its shape.</summary>
    public static void Plan(AwsChildren c, string asg, string? queue)
    {
        var shape = c.Shape;
        if (shape.DrainHook is { } hook)
        {
            // Closes the race between "idle, so unprotected" and "just took a message": an instance chosen
            // for scale-in may finish its invocation before it goes.
            c.Add(AwsTypes.LifecycleHook, "drain", new PropertyMap(
                // The worker completes the hook by this name (MULTINODE_LIFECYCLE_HOOK in the boot script).
                ("name", hook),
                ("autoscalingGroupName", Ref(asg, "name")),
                ("lifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING"),
                ("heartbeatTimeout", DrainSeconds(c.Workload.Container.TimeoutSeconds)),
                ("defaultResult", "CONTINUE")));
        }
        if (shape.Queue is { } scaling) QueuePolicies(c, asg, queue!, scaling);
        if (Cpu(c) is { } cpu)
        {
            c.Add(AwsTypes.Policy, "cpu", new PropertyMap(
                ("autoscalingGroupName", Ref(asg, "name")),
                ("policyType", "TargetTrackingScaling"),
                ("estimatedInstanceWarmup", CpuScaling.WarmupSeconds),
                ("targetTrackingConfiguration", Obj(
                    ("predefinedMetricSpecification", Obj(("predefinedMetricType", "ASGAverageCPUUtilization"))),
                    ("targetValue", cpu.TargetValue)))));
        }
        if (shape.Schedule is { } schedule)
        {
            c.Add(AwsTypes.Schedule, "run", new PropertyMap(
                // Unique within its group only, so a fixed name cannot collide across stacks.
                ("scheduledActionName", $"{c.Name}-run"),
                ("autoscalingGroupName", Ref(asg, "name")),
                ("recurrence", schedule.Cron),
                ("timeZone", schedule.TimeZone),
                ("minSize", 0),
                ("maxSize", 1),
                ("desiredCapacity", 1)));
        }
    }

    /// <summary>How long a terminating worker may finish its invocation: timeoutSeconds plus 30 s to wind down,
    /// within the 30..7200 s a lifecycle hook's heartbeat timeout allows. A longer invocation is covered by the
    /// worker's heartbeats, up to the lifecycle action's global timeout (48 h, above any accepted timeoutSeconds).
    /// </summary>
    public static int DrainSeconds(int timeoutSeconds) => Math.Clamp(timeoutSeconds + 30,
        PlatformLimits.LifecycleHeartbeatMinSeconds, PlatformLimits.LifecycleHeartbeatMaxSeconds);

    /// <summary>The CPU target of a kind that scales on CPU, in the terms of the instances' own metric; null for
    /// others.</summary>
    public static CpuScaling? Cpu(AwsChildren c) => c.Shape.CpuTarget is { } utilisation
        ? new CpuScaling(utilisation, c.Workload.Resources.Cpu, c.Choice.Types.Max(t => t.VCpus))
        : null;

    /// <summary>The three metrics every queue-driven expression reads: visible and in-flight messages, in-service instances.</summary>
    private static IEnumerable<(string Id, string Namespace, string Metric, string Dimension, PropertyValue Value, string Stat)> QueueMetrics(
        PropertyValue queueName, PropertyValue group) =>
    [
        ("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName, "Maximum"),
        ("inflight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queueName, "Maximum"),
        ("workers", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group, "Average"),
    ];

    private static void QueuePolicies(AwsChildren c, string asg, string queue, QueueScaling scaling)
    {
        var group = Ref(asg, "name");
        var queueName = Ref(queue, "name");
        var tracked = QueueMetrics(queueName, group).Select(m => Obj(
            ("id", m.Id),
            ("metricStat", Obj(
                ("metric", Obj(("namespace", m.Namespace), ("metricName", m.Metric), ("dimensions", List(Obj(("name", m.Dimension), ("value", m.Value)))))),
                ("stat", m.Stat))),
            ("returnData", false)));
        c.Add(AwsTypes.Policy, "track", new PropertyMap(
            ("autoscalingGroupName", group),
            ("policyType", "TargetTrackingScaling"),
            ("targetTrackingConfiguration", Obj(
                ("customizedMetricSpecification", Obj(("metrics", List([.. tracked,
                    Obj(("id", "load"), ("label", "(in-flight + spare) per in-service instance"),
                        ("expression", scaling.TrackingExpression), ("returnData", true))])))),
                ("targetValue", 1),
                // Scale-in is the cooldown-aware step policy's (a warm pool) or the workers' own (one message each).
                ("disableScaleIn", true)))));

        // ChangeInCapacity from a current capacity that leaves out warming-up instances: a re-fire on a stale
        // datapoint while the started instances warm up asks for no more than is already desired, and an adjustment
        // that is never negative can never lower capacity (QueueScaling, docs/scaling.md).
        StepPolicy(c, "start", group, queueName, "ChangeInCapacity", "Maximum", scaling.StartSteps,
            new AlarmSignal(QueueScaling.StartExpression, "in-flight messages while no instance is in service",
                Periods: 1, Period: 60),
            QueueScaling.StartWarmupSeconds);
        if (scaling.CooldownSeconds is null) return;
        // A safety net only: each worker ends its own instance after cooldownPeriod of its own idleness.
        StepPolicy(c, "scale-in", group, queueName, "ChangeInCapacity", "Minimum", scaling.ScaleInSteps,
            new AlarmSignal(scaling.ScaleInExpression, "in-service instances beyond in-flight + spare (safety net)",
                scaling.ScaleInEvaluationPeriods, scaling.Period), warmup: null);
    }

    /// <summary>When a step policy's alarm fires: its expression over <see cref="QueueMetrics"/> is at least 1 for
    /// <paramref name="Periods"/> datapoints of <paramref name="Period"/> seconds.</summary>
    private sealed record AlarmSignal(string Expression, string Label, int Periods, int Period);

    /// <summary>A step policy (<c>suffix</c>) and the alarm that runs it (<c>suffix-alarm</c>).</summary>
    private static void StepPolicy(AwsChildren c, string suffix, PropertyValue group, PropertyValue queueName,
        string adjustmentType, string aggregation, IReadOnlyList<(int Lower, int? Upper, int Adjustment)> steps,
        AlarmSignal signal, int? warmup)
    {
        var policy = c.Add(AwsTypes.Policy, suffix, new PropertyMap(
            ("autoscalingGroupName", group),
            ("policyType", "StepScaling"),
            ("adjustmentType", adjustmentType),
            ("metricAggregationType", aggregation),
            ("estimatedInstanceWarmup", warmup),
            ("stepAdjustments", QueueScaling.StepsValue(steps))));
        var metrics = QueueMetrics(queueName, group).Select(m => Obj(
            ("id", m.Id),
            ("metric", Obj(("namespace", m.Namespace), ("metricName", m.Metric), ("period", signal.Period), ("stat", m.Stat),
                ("dimensions", Obj((m.Dimension, m.Value))))),
            ("returnData", false)));
        c.Add(AwsTypes.MetricAlarm, $"{suffix}-alarm", new PropertyMap(
            ("alarmDescription", $"Multinode {c.Kind} \"{c.Name}\": {signal.Label}"),
            ("comparisonOperator", "GreaterThanOrEqualToThreshold"),
            ("threshold", 1),
            ("evaluationPeriods", signal.Periods),
            ("datapointsToAlarm", signal.Periods),
            ("treatMissingData", "notBreaching"),
            ("metricQueries", List([.. metrics,
                Obj(("id", "signal"), ("label", signal.Label), ("expression", signal.Expression), ("returnData", true))])),
            ("alarmActions", List(Ref(policy, "arn"))),
            ("tags", c.Tags)));
    }
}
