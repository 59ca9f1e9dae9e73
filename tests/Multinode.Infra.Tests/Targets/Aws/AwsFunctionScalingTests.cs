using System.Globalization;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// A Function's scale-out and the pool-level policies that must never remove a worker before its cooldown
/// (CONTRACT-20 items 2 and 3). The rules the assertions apply are EC2 Auto Scaling's, as its user guide states them
/// ("Step and simple scaling policies"):
/// <list type="bullet">
/// <item>ExactCapacity sets the capacity to the adjustment; ChangeInCapacity adds the adjustment to the current
/// capacity ("Scaling adjustment types").</item>
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
    private const string Seed = AwsTargetTests.Function;

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

    private static List<(double Lower, double? Upper, int Adjustment)> Steps(
        Multinode.Infra.Planning.PlannedResource policy) =>
        [.. ((ArrayValue)policy.At("stepAdjustments")).Items.Select(s => (
            double.Parse(((StringValue)s.At("metricIntervalLowerBound")).Value, CultureInfo.InvariantCulture),
            s.Find("metricIntervalUpperBound") is StringValue u
                ? double.Parse(u.Value, CultureInfo.InvariantCulture)
                : (double?)null,
            (int)((NumberValue)s.At("scalingAdjustment")).Value))];

    /// <summary>The step whose interval holds <paramref name="value"/> − threshold (1), as AWS chooses it.</summary>
    private static int AdjustmentAt(List<(double Lower, double? Upper, int Adjustment)> steps, double value) =>
        steps.Single(s => value - 1 >= s.Lower && (s.Upper is not { } u || value - 1 < u)).Adjustment;

    [Fact]
    public void Plan_Function_WorkersRaiseDesiredEveryTenSecondsOnTheirOwnGroupOnly()
    {
        var plan = AwsPlanning.PlanOne(Seed);
        var script = plan.Child("square-lt").UserDataText();
        var worker = Assert.Single(script.Split('\n'),
            l => l.StartsWith("docker run -d --restart always --name multinode-worker", StringComparison.Ordinal));
        Assert.Contains(" -e MULTINODE_SCALE_OUT_SECONDS=10 ", worker, StringComparison.Ordinal);
        var app = Assert.Single(script.Split('\n'),
            l => l.StartsWith("docker run -d --restart always --name app", StringComparison.Ordinal));
        Assert.DoesNotContain("MULTINODE_SCALE_OUT_SECONDS", app, StringComparison.Ordinal);
        var statements = ((ArrayValue)plan.Child("square-policy").At("policy.Statement")).Items;
        static bool Grants(PropertyValue statement, string action) =>
            ((ArrayValue)statement.At("Action")).Items.Contains(PropertyValue.From(action));
        var granting = Assert.Single(statements, s => Grants(s, "autoscaling:SetDesiredCapacity"));
        Assert.Equal(new ReferenceValue("square-asg", "arn"), granting.At("Resource"));
        // The worker reads DesiredCapacity and MaxSize of its group: DescribeAutoScalingGroups, which takes "*" only.
        Assert.Contains(statements, s => Grants(s, "autoscaling:DescribeAutoScalingGroups"));
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
            var script = workload.Child($"{workload.Workload.Name}-lt").UserDataText();
            Assert.DoesNotContain("MULTINODE_SCALE_OUT_SECONDS", script, StringComparison.Ordinal);
            Assert.DoesNotContain(workload.Resources,
                r => PropertyValue.From(r.Inputs).ToJson().Contains("SetDesiredCapacity", StringComparison.Ordinal));
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
            Assert.Equal(Math.Min(30, Math.Min(inFlight, 20) + 2),
                AfterStep(type, desired: 2, current: 0, AdjustmentAt(steps, inFlight), 2, 30));
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
