using System.Globalization;
using System.Text.RegularExpressions;
using Multinode.Infra.Catalog;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// A Service scales on its declared CPU (docs/scaling.md, "Service"). The expectations come from AWS's and Docker's
/// definitions, not from the plan:
/// <list type="bullet">
/// <item>EC2 <c>CPUUtilization</c> is "the percentage of allocated EC2 compute units that are currently in use on the
/// instance" (Amazon EC2 User Guide, "Instance metrics"); <c>ASGAverageCPUUtilization</c> is its average over the
/// group (EC2 Auto Scaling API Reference, PredefinedMetricSpecification).</item>
/// <item><c>docker run --cpus=N</c>: the container uses at most N CPUs (Docker docs, "Resource constraints").</item>
/// <item>Target tracking "adds or removes capacity as required to keep the metric at, or close to, the specified
/// target value" and scales out while the metric is above it (EC2 Auto Scaling User Guide, "Target tracking scaling
/// policies").</item>
/// <item>Basic monitoring sends EC2 metrics every five minutes, detailed monitoring every minute (Amazon EC2 User
/// Guide, "Manage detailed monitoring for your EC2 instances"); target tracking wants one-minute metrics ("Create a
/// target tracking scaling policy": "confirm that your preferred metric is available at 1-minute intervals").</item>
/// </list>
/// So with a container of c vCPUs on an instance of V vCPUs, the metric of a container using u cores is 100 × u / V,
/// and the group holds u / c at targetCpuUtilization t exactly when the target value is 100 × t × c / V.
/// </summary>
public sealed partial class AwsTargetTests
{
    /// <summary>The container's <c>--cpus</c> cap, read from the planned boot script.</summary>
    private static double CpuCap(string script) =>
        double.Parse(Regex.Match(Line(script, "docker run -d --restart always --name app"), @" --cpus ([0-9.]+) ").Groups[1].Value,
            CultureInfo.InvariantCulture);

    [Fact]
    public void Plan_Service_CpuTargetIsTheContainersShareOfTheInstance()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties:
                image: img
                targetCpuUtilization: 0.65
                resources: { cpu: 1, memory: 1Gi }
                instanceTypes: [m6i.large]
            """);
        var lt = plan.Child("api-lt");
        Assert.Equal(1, CpuCap(lt.UserDataText()));
        // m6i.large has 2 vCPUs: a container at 0.65 of its 1 vCPU keeps 0.65 of 2 vCPUs busy = 32.5 %.
        var policy = plan.Child("api-cpu");
        Assert.Equal("ASGAverageCPUUtilization", policy.Text("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"));
        Assert.Equal(100 * 0.65 * 1 / 2, policy.Number("targetTrackingConfiguration.targetValue"));
        Assert.Equal(PropertyValue.From(true), lt.At("monitoring.enabled"));
    }

    [Theory]
    [InlineData("", 0.5)]
    [InlineData("resources: { cpu: 0.25, memory: 512Mi }", 0.65)]
    [InlineData("resources: { cpu: 2, memory: 4Gi }", 0.95)]
    [InlineData("resources: { cpu: 3, memory: 30Gi }", 0.8)]
    [InlineData("resources: { cpu: 1, memory: 2Gi }\n    instanceTypes: [c6i.large, m6i.xlarge]", 0.7)]
    [InlineData("resources: { cpu: 0.1, memory: 256Mi }\n    instanceTypes: [m7i.48xlarge]", 0.05)]
    public void Plan_Service_AContainerAtItsCapLiftsTheMetricAboveTheTarget(string extra, double target)
    {
        var plan = AwsPlanning.PlanOne($"""
            api:
              type: multinode:index:Service
              properties:
                image: img
                targetCpuUtilization: {target.ToString(CultureInfo.InvariantCulture)}
                {extra}
            """);
        var cap = CpuCap(plan.Child("api-lt").UserDataText());
        var types = plan.Child("api-asg").Find("mixedInstancesPolicy") is { } mixed
            ? ((ArrayValue)mixed.At("launchTemplate.overrides")).Items.Select(o => ((StringValue)o.At("instanceType")).Value).ToList()
            : [plan.Child("api-lt").Text("instanceType")];
        var targetValue = plan.Child("api-cpu").Number("targetTrackingConfiguration.targetValue");
        foreach (var vcpus in types.Select(t => InstanceCatalog.Default.Find(t)!.VCpus))
        {
            // At its cap the container keeps cap of the vCPUs busy: the metric exceeds the target, so the group scales out.
            Assert.True(100 * cap / vcpus > targetValue, $"{cap} of {vcpus} vCPUs = {100 * cap / vcpus} % ≤ target {targetValue}");
        }
        // On the largest type, the container at target × cap reads the target (to the four decimals the plan keeps).
        var largest = types.Max(t => InstanceCatalog.Default.Find(t)!.VCpus);
        Assert.Equal(100 * target * cap / largest, targetValue, 0.0001);
    }

    [Theory]
    [InlineData("Pulumi.yaml")]
    [InlineData("examples/aws-inference")]
    [InlineData("examples/pr-comment/base")]
    [InlineData("examples/pr-comment/head")]
    public void Plan_RepositoryAwsServices_CanScaleOutAndReadOneMinuteMetrics(string program)
    {
        var (declaration, _) = Multinode.Infra.Cli.ProgramLoader.Load(Repo.File(program.Split('/')), null);
        var plan = Multinode.Infra.Planning.Planner.Plan(declaration);
        Assert.True(plan.IsValid, string.Join("\n", plan.Failures));
        var services = plan.Value!.Workloads.Where(w => w.Workload is Multinode.Infra.Workloads.ServiceWorkload).ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            var name = service.Workload.Name;
            var lt = service.Child($"{name}-lt");
            var vcpus = InstanceCatalog.Default.Find(lt.Text("instanceType"))!.VCpus;
            var target = service.Child($"{name}-cpu").Number("targetTrackingConfiguration.targetValue");
            Assert.True(100 * CpuCap(lt.UserDataText()) / vcpus > target, $"{program}: {name} can never exceed its target {target}");
            Assert.Equal(PropertyValue.From(true), lt.At("monitoring.enabled"));
        }
    }

    [Fact]
    public void Plan_Function_ScalesOnQueueMetricsWithoutDetailedMonitoring()
    {
        // Detailed monitoring is billed per metric; a Function's scaling reads SQS and group metrics, never EC2's.
        var plan = AwsPlanning.PlanOne(Function);
        Assert.Null(plan.Child("square-lt").Find("monitoring"));
        Assert.DoesNotContain(plan.Resources, r => PropertyValue.From(r.Inputs).ToJson().Contains("CPUUtilization", StringComparison.Ordinal));
    }
}

/// <summary>
/// A Function's scale-out and the pool-level policies that must never remove a worker before its cooldown
/// (CONTRACT-20 items 2 and 3). The rules the assertions apply are EC2 Auto Scaling's, as its user guide states them
/// ("Step and simple scaling policies"):
/// <list type="bullet">
/// <item>ExactCapacity sets the capacity to the adjustment; ChangeInCapacity adds the adjustment to the current capacity
/// ("Scaling adjustment types").</item>
/// <item>"While scaling out, AWS also does not consider instances that are warming up as part of the current capacity
/// of the group", and when the result is not above the desired capacity, desired is not increased ("Instance
/// warmup", its example: desired 11, current 10, +1 again → stays 11).</item>
/// <item>The alarm's datapoints are aggregated by the policy's <c>metricAggregationType</c> to choose the step.</item>
/// <item>Auto Scaling (unlike SNS) re-invokes a policy for every period its alarm stays in ALARM (CloudWatch User
/// Guide, "Alarm actions").</item>
/// </list>
/// IAM: SetDesiredCapacity takes the resource type autoScalingGroup (Service Authorization Reference, "Actions,
/// resources, and condition keys for Amazon EC2 Auto Scaling"), so it can be limited to the workload's own group.
/// </summary>
public sealed class AwsFunctionScalingTests
{
    private const string Seed = """
        square:
          type: multinode:index:Function
          properties:
            image: ghcr.io/example/square:1.0.0
            maxWorkers: 30
            spareWorkers: 2
            cooldownPeriod: 300
        """;

    /// <summary>Desired capacity after a step policy runs, by the user guide's rules: <paramref name="current"/> is the
    /// in-service capacity without instances still warming up.</summary>
    private static int AfterStep(string adjustmentType, int desired, int current, int adjustment, int min, int max) =>
        Math.Clamp(adjustmentType switch
        {
            "ExactCapacity" => adjustment,
            "ChangeInCapacity" when adjustment > 0 => Math.Max(desired, current + adjustment),
            "ChangeInCapacity" => desired + adjustment,
            _ => throw new InvalidOperationException($"adjustment type {adjustmentType} is not modelled here"),
        }, min, max);

    private static List<(double Lower, double? Upper, int Adjustment)> Steps(Multinode.Infra.Planning.PlannedResource policy) =>
        [.. ((ArrayValue)policy.At("stepAdjustments")).Items.Select(s => (
            double.Parse(((StringValue)s.At("metricIntervalLowerBound")).Value, CultureInfo.InvariantCulture),
            s.Find("metricIntervalUpperBound") is StringValue u ? double.Parse(u.Value, CultureInfo.InvariantCulture) : (double?)null,
            (int)((NumberValue)s.At("scalingAdjustment")).Value))];

    /// <summary>The step whose interval holds <paramref name="value"/> − threshold (1), as AWS chooses it.</summary>
    private static int AdjustmentAt(List<(double Lower, double? Upper, int Adjustment)> steps, double value) =>
        steps.Single(s => value - 1 >= s.Lower && (s.Upper is not { } u || value - 1 < u)).Adjustment;

    [Fact]
    public void Plan_Function_WorkersRaiseDesiredEveryTenSecondsOnTheirOwnGroupOnly()
    {
        var plan = AwsPlanning.PlanOne(Seed);
        var script = plan.Child("square-lt").UserDataText();
        var worker = Assert.Single(script.Split('\n'), l => l.StartsWith("docker run -d --restart always --name multinode-worker", StringComparison.Ordinal));
        Assert.Contains(" -e MULTINODE_SCALE_OUT_SECONDS=10 ", worker, StringComparison.Ordinal);
        var app = Assert.Single(script.Split('\n'), l => l.StartsWith("docker run -d --restart always --name app", StringComparison.Ordinal));
        Assert.DoesNotContain("MULTINODE_SCALE_OUT_SECONDS", app, StringComparison.Ordinal);
        var statements = ((ArrayValue)plan.Child("square-policy").At("policy.Statement")).Items;
        var granting = Assert.Single(statements, s => ((ArrayValue)s.At("Action")).Items.Contains(PropertyValue.From("autoscaling:SetDesiredCapacity")));
        Assert.Equal(new ReferenceValue("square-asg", "arn"), granting.At("Resource"));
        // The worker reads DesiredCapacity and MaxSize of its group: DescribeAutoScalingGroups, which takes "*" only.
        Assert.Contains(statements, s => ((ArrayValue)s.At("Action")).Items.Contains(PropertyValue.From("autoscaling:DescribeAutoScalingGroups")));
    }

    [Fact]
    public void Plan_JobAndService_WorkersDoNotScaleTheGroup()
    {
        var plan = AwsPlanning.Plan("""
            render:
              type: multinode:index:Job
              properties:
                image: img
            api:
              type: multinode:index:Service
              properties:
                image: img
            """).Value!;
        foreach (var workload in plan.Workloads)
        {
            Assert.DoesNotContain("MULTINODE_SCALE_OUT_SECONDS", workload.Child($"{workload.Workload.Name}-lt").UserDataText(), StringComparison.Ordinal);
            Assert.DoesNotContain(workload.Resources, r => PropertyValue.From(r.Inputs).ToJson().Contains("SetDesiredCapacity", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Plan_Function_StartPolicyFromZeroStartsInFlightPlusSpareAndItsReFiresNeverLowerCapacity()
    {
        var plan = AwsPlanning.PlanOne(Seed);
        var start = plan.Child("square-start");
        var type = start.Text("adjustmentType");
        var steps = Steps(start);
        var warmup = (int)start.Number("estimatedInstanceWarmup");
        Assert.True(warmup >= 60, $"a warm-up of {warmup} s is shorter than the alarm's one-minute re-fire");
        for (var inFlight = 1; inFlight <= 40; inFlight++)
        {
            // From zero in service: the group asks for min(max, in-flight + spare) at once, for as many in-flight
            // values as AWS's 20 step adjustments can tell apart; beyond, 20 + spare, and the first worker to run
            // raises desired to the rest within MULTINODE_SCALE_OUT_SECONDS.
            Assert.Equal(Math.Min(30, Math.Min(inFlight, 20) + 2), AfterStep(type, desired: 2, current: 0, AdjustmentAt(steps, inFlight), 2, 30));
            // A re-fire on a stale datapoint while the started instances warm up (not yet current capacity), after the
            // workers or target tracking raised desired to any value: desired never falls.
            for (var desired = 2; desired <= 30; desired++)
                Assert.True(AfterStep(type, desired, current: 0, AdjustmentAt(steps, inFlight), 2, 30) >= desired,
                    $"{type} re-fire with {inFlight} in flight lowers desired {desired}");
        }
    }

    [Fact]
    public void Plan_Function_SafetyNetRemovesOneInstancePerRunOnlyAfterAWholeWindowOfExcess()
    {
        var plan = AwsPlanning.PlanOne(Seed);
        var policy = plan.Child("square-scale-in");
        var alarm = plan.Child("square-scale-in-alarm");
        Assert.Equal("Minimum", policy.Text("metricAggregationType"));
        // Every datapoint of the window must breach: 10 of 10 one-minute datapoints = 2 × cooldownPeriod.
        Assert.Equal(alarm.Number("evaluationPeriods"), alarm.Number("datapointsToAlarm"));
        Assert.Equal(2 * 300, alarm.Number("evaluationPeriods") * alarm.Number("metricQueries[0].metric.period"));
        var steps = Steps(policy);
        var type = policy.Text("adjustmentType");
        // Whatever the smallest excess over the window (1 or 20), one run lowers desired by exactly one.
        foreach (var excess in new[] { 1, 2, 8, 20, 28 })
            Assert.Equal(29, AfterStep(type, desired: 30, current: 30, AdjustmentAt(steps, excess), 2, 30));
    }
}

/// <summary>
/// The load balancer in front of a Service must not cut a request its replica is still working on. The Application
/// Load Balancer closes a connection on which no data was sent for its idle timeout: attribute
/// <c>idle_timeout.timeout_seconds</c>, "The valid range is 1-4000 seconds. The default is 60 seconds." (Elastic Load
/// Balancing, User Guide for Application Load Balancers, "Load balancer attributes"; @pulumi/aws
/// <c>lb.LoadBalancer.idleTimeout</c>, default 60).
/// </summary>
public sealed class AwsLoadBalancerTimeoutTests
{
    private static string Service(int timeout) => $"""
        api:
          type: multinode:index:Service
          properties:
            image: img
            timeoutSeconds: {timeout}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(300)]
    [InlineData(3601)]
    [InlineData(4000)]
    public void Plan_Service_IdleTimeoutCoversTimeoutSecondsWithinAlbRange(int timeout)
    {
        var idle = AwsPlanning.PlanOne(Service(timeout)).Child("api-lb").Number("idleTimeout");
        Assert.True(idle >= timeout, $"idle timeout {idle} s < timeoutSeconds {timeout}");
        Assert.InRange(idle, 60, 4000);
    }

    [Fact]
    public void Validate_ServiceTimeoutAboveAlbLimit_FailsNamingTheLimitAndWhy()
    {
        var failure = Assert.Single(AwsPlanning.Failures(Service(5000)));
        // The sentence docs/errors.md shows.
        Assert.Equal("Service \"api\": timeoutSeconds = 5000 is above the limit of 4000 for a Service on AWS: its requests pass an " +
            "Application Load Balancer, whose idle timeout (at most 4000 s) would close a request that sends nothing for longer (HTTP 504)", failure);
        Assert.Single(AwsPlanning.Failures(Service(4001)));
    }

    [Fact]
    public void Validate_FunctionTimeoutAboveAlbLimit_IsFine() =>
        AwsPlanning.PlanOne("""
            f:
              type: multinode:index:Function
              properties:
                image: img
                timeoutSeconds: 7200
            """);
}
