using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed partial class AwsTargetTests
{
    /// <summary>The seed Function: 30 workers at most, 2 spare, 300 s cooldown.</summary>
    internal const string Function = """
        square:
          type: multinode:index:Function
          properties:
            image: ghcr.io/example/square:1.0.0
            maxWorkers: 30
            spareWorkers: 2
            cooldownPeriod: 300
        """;

    [Fact]
    public void Plan_Function_GroupSpansSpareToMaxWorkers()
    {
        var asg = AwsPlanning.PlanOne(Function).Child("square-asg");
        Assert.Equal(2, asg.Number("minSize"));
        Assert.Equal(30, asg.Number("maxSize"));
        Assert.Null(asg.Find("desiredCapacity"));
        Assert.Equal(PropertyValue.From(false), asg.At("protectFromScaleIn"));
    }

    [Fact]
    public void Plan_Function_SafetyNetScalesInOnlyAfterTwiceTheCooldownOfExcess()
    {
        var plan = AwsPlanning.PlanOne(Function);
        var alarm = plan.Child("square-scale-in-alarm");
        Assert.Equal(60, alarm.Number("metricQueries[0].metric.period"));
        Assert.Equal(10, alarm.Number("evaluationPeriods"));
        Assert.Equal(10, alarm.Number("datapointsToAlarm"));
        Assert.Equal(600, alarm.Number("evaluationPeriods") * alarm.Number("metricQueries[0].metric.period"));
        Assert.Equal("GreaterThanOrEqualToThreshold", alarm.Text("comparisonOperator"));
        Assert.Equal(1, alarm.Number("threshold"));
        Assert.Equal("FILL(workers, 0) - (FILL(visible, 0) + FILL(inflight, 0) + 2)", alarm.Text("metricQueries[3].expression"));
        Assert.Equal(new ReferenceValue("square-scale-in", "arn"), alarm.At("alarmActions[0]"));

        var policy = plan.Child("square-scale-in");
        Assert.Equal("ChangeInCapacity", policy.Text("adjustmentType"));
        var step = Assert.Single(((ArrayValue)policy.At("stepAdjustments")).Items);
        Assert.Equal("0", ((StringValue)step.At("metricIntervalLowerBound")).Value);
        Assert.Null(step.Find("metricIntervalUpperBound"));
        Assert.Equal(-1, ((NumberValue)step.At("scalingAdjustment")).Value);
    }

    [Fact]
    public void Plan_Function_TracksInFlightPlusSparePerInstanceWithoutScaleIn()
    {
        var track = AwsPlanning.PlanOne(Function).Child("square-track");
        Assert.Equal("TargetTrackingScaling", track.Text("policyType"));
        Assert.Equal(1, track.Number("targetTrackingConfiguration.targetValue"));
        Assert.Equal(PropertyValue.From(true), track.At("targetTrackingConfiguration.disableScaleIn"));
        var metrics = "targetTrackingConfiguration.customizedMetricSpecification.metrics";
        Assert.Equal("ApproximateNumberOfMessagesVisible", track.Text($"{metrics}[0].metricStat.metric.metricName"));
        Assert.Equal(new ReferenceValue("square-queue", "name"), track.At($"{metrics}[0].metricStat.metric.dimensions[0].value"));
        Assert.Equal("ApproximateNumberOfMessagesNotVisible", track.Text($"{metrics}[1].metricStat.metric.metricName"));
        Assert.Equal("GroupInServiceInstances", track.Text($"{metrics}[2].metricStat.metric.metricName"));
        Assert.Equal(new ReferenceValue("square-asg", "name"), track.At($"{metrics}[2].metricStat.metric.dimensions[0].value"));
        Assert.Equal("(FILL(visible, 0) + FILL(inflight, 0) + 2) / workers", track.Text($"{metrics}[3].expression"));
    }

    [Theory]
    [InlineData(120, 150)]
    [InlineData(1, 31)]
    // PutLifecycleHook: HeartbeatTimeout 30..7200 s; the worker's heartbeats cover a longer invocation.
    [InlineData(42900, 7200)]
    public void Plan_Function_DrainHookWaitsForTheLongestInvocation(int timeout, int heartbeat)
    {
        var plan = AwsPlanning.PlanOne($"""
            f:
              type: multinode:index:Function
              properties:
                image: img
                timeoutSeconds: {timeout}
            """);
        var hook = plan.Child("f-drain");
        Assert.Equal("autoscaling:EC2_INSTANCE_TERMINATING", hook.Text("lifecycleTransition"));
        Assert.Equal(heartbeat, hook.Number("heartbeatTimeout"));
        Assert.Equal("CONTINUE", hook.Text("defaultResult"));
        Assert.Equal(new ReferenceValue("f-asg", "name"), hook.At("autoscalingGroupName"));
        Assert.Null(plan.Child("f-asg").Find("suspendedProcesses"));
    }

    [Fact]
    public void Plan_FunctionAtZero_StartPolicySetsInFlightPlusSpareInOneStep()
    {
        var plan = AwsPlanning.PlanOne("""
            square:
              type: multinode:index:Function
              properties:
                image: ghcr.io/example/square:1.0.0
                maxWorkers: 5
        """);
        Assert.Equal(0, plan.Child("square-asg").Number("minSize"));
        var start = plan.Child("square-start");
        Assert.Equal("ChangeInCapacity", start.Text("adjustmentType"));
        var steps = (ArrayValue)start.At("stepAdjustments");
        Assert.Equal([1, 2, 3, 4, 5], steps.Items.Select(s => ((NumberValue)s.At("scalingAdjustment")).Value));
        Assert.Null(steps.Items[^1].Find("metricIntervalUpperBound"));
        var alarm = plan.Child("square-start-alarm");
        Assert.Equal("IF(FILL(workers, 0) < 1, FILL(visible, 0) + FILL(inflight, 0), 0)", alarm.Text("metricQueries[3].expression"));
        Assert.Equal(1, alarm.Number("evaluationPeriods"));
        Assert.Equal(1, alarm.Number("threshold"));
    }

    [Theory]
    [InlineData(0, 60, 1)]
    [InlineData(30, 60, 1)]
    [InlineData(31, 60, 2)]
    [InlineData(1800, 60, 60)]
    [InlineData(1801, 300, 13)]
    [InlineData(43200, 300, 288)]
    [InlineData(86400, 3600, 48)]
    public void Plan_SafetyNetWindow_IsTwiceTheCooldownInWholePeriodsWithinCloudWatchLimits(int cooldown, int period, int periods)
    {
        var alarm = AwsPlanning.PlanOne($"""
            f:
              type: multinode:index:Function
              properties:
                image: img
                cooldownPeriod: {cooldown}
            """).Child("f-scale-in-alarm");
        Assert.Equal(period, alarm.Number("metricQueries[0].metric.period"));
        Assert.Equal(periods, alarm.Number("evaluationPeriods"));
        // CloudWatch evaluates at most a day of sub-hour datapoints and seven days of hourly ones.
        Assert.True(period * periods <= (period < 3600 ? 86400 : 604800), $"{periods} x {period} s");
    }

    [Fact]
    public void Plan_Function_QueueHoldsMessagesForTimeoutAndHasDeadLetterQueue()
    {
        var plan = AwsPlanning.PlanOne("""
            f:
              type: multinode:index:Function
              properties:
                image: img
                timeoutSeconds: 900
            """);
        Assert.Equal(900, plan.Child("f-queue").Number("visibilityTimeoutSeconds"));
        Assert.Equal(1209600, plan.Child("f-dlq").Number("messageRetentionSeconds"));
        Assert.Equal(new ReferenceValue("f-queue", "url"), plan.Outputs["queue"]);
        var tags = (ArrayValue)plan.Child("f-asg").At("tags");
        Assert.Contains(tags.Items, t => t.Find("key") is StringValue { Value: "multinode:queue-url" } &&
            Equals(t.Find("value"), new ReferenceValue("f-queue", "url")));
        // SQS moves a message received 5 times to the dead-letter queue: the policy names the DLQ's ARN.
        Assert.Equal(PropertyValue.Concat("{\"deadLetterTargetArn\":\"", new ReferenceValue("f-dlq", "arn"), "\",\"maxReceiveCount\":5}"),
            plan.Child("f-queue").At("redrivePolicy"));
        Assert.DoesNotContain(tags.Items, t => t.Find("key") is StringValue { Value: "multinode:dead-letter-queue-url" });
    }

    [Fact]
    public void Plan_Job_ProtectsEveryInstanceAndHasNoScaleInPolicy()
    {
        var plan = AwsPlanning.PlanOne("""
            render:
              type: multinode:index:Job
              properties:
                image: img
                maxConcurrency: 7
            """);
        var asg = plan.Child("render-asg");
        Assert.Equal(0, asg.Number("minSize"));
        Assert.Equal(7, asg.Number("maxSize"));
        Assert.Equal(PropertyValue.From(true), asg.At("protectFromScaleIn"));
        Assert.Equal("AZRebalance", asg.Text("suspendedProcesses[0]"));
        Assert.DoesNotContain(plan.Resources, r => r.Name.Contains("scale-in", StringComparison.Ordinal));
        Assert.Equal("(FILL(visible, 0) + FILL(inflight, 0) + 0) / workers",
            plan.Child("render-track").Text("targetTrackingConfiguration.customizedMetricSpecification.metrics[3].expression"));
        var start = (ArrayValue)plan.Child("render-start").At("stepAdjustments");
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], start.Items.Select(s => ((NumberValue)s.At("scalingAdjustment")).Value));
        var script = plan.Child("render-lt").UserDataText();
        Assert.Contains("timeout 420s docker wait multinode-worker || docker kill multinode-worker", script, StringComparison.Ordinal);
        Assert.Contains("terminate-instance-in-auto-scaling-group --region \"$REGION\" --instance-id \"$INSTANCE_ID\" --should-decrement-desired-capacity", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Service_TargetTracksAverageCpuBehindTheLoadBalancer()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties:
                image: img
                minReplicas: 3
                maxReplicas: 12
                targetCpuUtilization: 0.65
            """);
        var policy = plan.Child("api-cpu");
        Assert.Equal("ASGAverageCPUUtilization", policy.Text("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"));
        var asg = plan.Child("api-asg");
        Assert.Equal(3, asg.Number("minSize"));
        Assert.Equal(12, asg.Number("maxSize"));
        Assert.Equal("ELB", asg.Text("healthCheckType"));
        Assert.Equal(new ReferenceValue("api-tg", "arn"), asg.At("targetGroupArns[0]"));
        Assert.Equal(PropertyValue.Concat("http://", new ReferenceValue("api-lb", "dnsName")), plan.Outputs["endpoint"]);
    }

    [Fact]
    public void Plan_Service_InstancesReachableOnlyFromLoadBalancer()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties:
                image: img
                port: 9000
                healthCheckPath: /healthz
            """);
        var instances = plan.Child("api-sg");
        var ingress = Assert.Single(((ArrayValue)instances.At("ingress")).Items);
        Assert.Equal(9000, ((NumberValue)ingress.At("fromPort")).Value);
        Assert.Equal(new ReferenceValue("api-lb-sg", "id"), ingress.At("securityGroups[0]"));
        Assert.Null(ingress.Find("cidrBlocks"));
        var lbIngress = Assert.Single(((ArrayValue)plan.Child("api-lb-sg").At("ingress")).Items);
        Assert.Equal(80, ((NumberValue)lbIngress.At("fromPort")).Value);
        Assert.Equal(80, ((NumberValue)lbIngress.At("toPort")).Value);
        var tg = plan.Child("api-tg");
        Assert.Equal(9000, tg.Number("port"));
        Assert.Equal("/healthz", tg.Text("healthCheck.path"));
        Assert.Equal("vpc-0123456789abcdef0", tg.Text("vpcId"));
        Assert.Equal(new ReferenceValue("api-tg", "arn"), plan.Child("api-http").At("defaultActions[0].targetGroupArn"));
        Assert.Contains("-p 9000:9000", plan.Child("api-lt").UserDataText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multinode:index:Service")]
    [InlineData("multinode:index:Function")]
    [InlineData("multinode:index:Daemon")]
    public void Plan_WithoutVpcId_PutsEverySecurityGroupInTheUnknownVpcOfTheSubnets(string token)
    {
        // Offline nothing can look the VPC up; the provider fills it in from the first subnet (SubnetVpcLookup).
        var plan = AwsPlanning.PlanOne($$"""
            api:
              type: {{token}}
              properties:
                image: img
            """, """
            target: aws
            aws:
              subnetIds: [subnet-a, subnet-b]
            """);
        var inVpc = plan.Resources.Where(r => r.Type is "aws:ec2/securityGroup:SecurityGroup" or "aws:lb/targetGroup:TargetGroup").ToList();
        Assert.NotEmpty(inVpc);
        // Unknown, and made of the lookup of the first subnet: the same first subnet is the same VPC in a diff.
        Assert.All(inVpc, r => Assert.Equal(PropertyValue.UnknownFrom("aws:ec2/getSubnet:getSubnet.vpcId", "subnet-a"), r.At("vpcId")));
    }

    [Fact]
    public void Plan_ExplicitVpcId_Wins()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Daemon
              properties:
                image: img
            """);
        Assert.Equal("vpc-0123456789abcdef0", plan.Child("api-sg").Text("vpcId"));
    }

    [Fact]
    public void Plan_ScheduledTask_ScheduledActionStartsOneWorker()
    {
        var plan = AwsPlanning.PlanOne("""
            report:
              type: multinode:index:ScheduledTask
              properties:
                image: img
                schedule: "0 3 * * *"
                timeZone: Europe/Berlin
                timeoutSeconds: 1800
            """);
        var asg = plan.Child("report-asg");
        Assert.Equal("AZRebalance", asg.Text("suspendedProcesses[0]"));
        Assert.Equal(0, asg.Number("minSize"));
        Assert.Equal(1, asg.Number("maxSize"));
        var run = plan.Child("report-run");
        Assert.Equal("0 3 * * *", run.Text("recurrence"));
        Assert.Equal("Europe/Berlin", run.Text("timeZone"));
        Assert.Equal(1, run.Number("desiredCapacity"));
        Assert.Equal(new ReferenceValue("report-asg", "name"), run.At("autoscalingGroupName"));
        Assert.Equal("0 3 * * * (Europe/Berlin)", ((StringValue)plan.Outputs["schedule"]).Value);
        Assert.Contains("timeout 1800s docker wait app || docker kill app", plan.Child("report-lt").UserDataText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Daemon_ExactlyOneAndTerminatesBeforeLaunching()
    {
        var plan = AwsPlanning.PlanOne("""
            ingest:
              type: multinode:index:Daemon
              properties:
                image: img
            """);
        var asg = plan.Child("ingest-asg");
        Assert.Equal(1, asg.Number("minSize"));
        Assert.Equal(1, asg.Number("maxSize"));
        Assert.Equal(0, asg.Number("instanceMaintenancePolicy.minHealthyPercentage"));
        Assert.Equal(100, asg.Number("instanceMaintenancePolicy.maxHealthyPercentage"));
        Assert.Equal("AZRebalance", asg.Text("suspendedProcesses[0]"));
        Assert.DoesNotContain(plan.Resources, r => r.Type == "aws:autoscaling/policy:Policy");
        Assert.Contains("docker run -d --restart always --name app", plan.Child("ingest-lt").UserDataText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_EveryKind_OutputsExactlyTheDeclaredKeys()
    {
        var result = AwsPlanning.Plan("""
            f: { type: "multinode:index:Function", properties: { image: img } }
            j: { type: "multinode:index:Job", properties: { image: img } }
            s: { type: "multinode:index:Service", properties: { image: img } }
            t: { type: "multinode:index:ScheduledTask", properties: { image: img, schedule: "0 * * * *" } }
            d: { type: "multinode:index:Daemon", properties: { image: img } }
            """);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        foreach (var plan in result.Value!.Workloads)
        {
            Assert.Equal(plan.Workload.Kind.Outputs.Select(o => o.Name), plan.Outputs.Keys);
            Assert.Equal(plan.Resources.Select(r => r.Name), ((ArrayValue)plan.Outputs["children"]).Items.Select(i => ((StringValue)i).Value));
        }
    }

    [Fact]
    public void Plan_GpuFunction_UsesGpuAmiAndPricesTheChosenType()
    {
        var plan = AwsPlanning.PlanOne("""
            embed:
              type: multinode:index:Function
              properties:
                image: img
                resources: { cpu: 3, memory: 12Gi, gpu: { type: nvidia-tesla-t4 } }
                maxWorkers: 20
            """);
        var lt = plan.Child("embed-lt");
        Assert.Equal("g4dn.xlarge", lt.Text("instanceType"));
        Assert.Equal("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id", lt.Text("imageId"));
        Assert.Contains(" --gpus all ", lt.UserDataText(), StringComparison.Ordinal);
        Assert.Equal(("instance type", "g4dn.xlarge (4 vCPU, 16 GiB, 1 × t4)"), (plan.Summary.Facts[0].Key, plan.Summary.Facts[0].Value));
        Assert.Equal(("price per instance-hour", "≈ $0.526"), (plan.Summary.Facts[1].Key, plan.Summary.Facts[1].Value));
        Assert.Equal(20 * 0.526m, plan.Summary.MaxHourlyCost);
    }

    [Fact]
    public void Plan_CpuWorkload_UsesStandardAmiOrConfiguredOne()
    {
        var standard = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: img } }").Child("d-lt");
        Assert.Equal("resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", standard.Text("imageId"));
        Assert.DoesNotContain("--gpus", standard.UserDataText(), StringComparison.Ordinal);
        var configured = AwsPlanning.PlanOne("d: { type: \"multinode:index:Daemon\", properties: { image: img } }", """
            target: aws
            aws: { subnetIds: [subnet-a], amiId: ami-0123456789abcdef0 }
            """).Child("d-lt");
        Assert.Equal("ami-0123456789abcdef0", configured.Text("imageId"));
    }

    [Fact]
    public void Plan_Service_CostIncludesLoadBalancer()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties:
                image: img
                maxReplicas: 8
                resources: { cpu: 1.5, memory: 3Gi }
            """);
        Assert.Equal(8 * 0.085m + 0.0225m, plan.Summary.MaxHourlyCost); // c6i.large, the cheapest at 1.5 busy vCPUs
        Assert.Contains(plan.Summary.Facts, f => f.Key == "load balancer per hour");
    }

    [Fact]
    public void Plan_NameTag_OverridesInstanceNameOnceAndMultinodeTagsWin()
    {
        var plan = AwsPlanning.PlanOne("""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                tags: { Name: ingest-primary, "multinode:workload": other, team: data }
            """);
        var tags = ((ArrayValue)plan.Child("d-asg").At("tags")).Items
            .Select(t => (((StringValue)t.At("key")).Value, ((StringValue)t.At("value")).Value)).ToList();
        Assert.Equal([("Name", "ingest-primary"), ("multinode:workload", "d"), ("team", "data"), ("multinode:kind", "multinode:index:Daemon")], tags);
    }

    [Fact]
    public void Plan_TagKeyWithSlash_FailsNamingTheTag()
    {
        var failures = AwsPlanning.Failures("""
            d:
              type: multinode:index:Daemon
              properties:
                image: img
                tags: { "team/owner": platform }
            """);
        Assert.Equal([
            """Daemon "d": tags.team/owner: the key "team/owner" cannot tag an EC2 instance whose tags are readable from the instance metadata; use letters, digits and + - = . , _ : @ (no spaces or '/', not starting with "aws:")""",
        ], failures);
    }
}
