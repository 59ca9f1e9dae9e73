using Multinode.Infra.Values;
using Multinode.Infra.Simulation;
using static Multinode.Infra.Tests.Simulation.Simulations;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>One test per documented platform rule the simulation applies (issue 19, docs/simulation.md "Rules"). Each
/// expectation is worked from the rule's source, and each fails when the rule is taken out of the model.</summary>
public class PlatformRuleTests
{
    private const string ZeroSpare = """
        f:
          type: multinode:index:Function
          properties: { image: i, maxWorkers: 10, spareWorkers: 0, cooldownPeriod: 60 }
        """;

    [Fact]
    public void SqsMetrics_AreSampledAtOneInstant_AMessageMovingToInFlightCountsOnce()
    {
        // Amazon SQS takes its approximate counts once per minute ("Available CloudWatch metrics for Amazon SQS": one
        // data sample a minute), visible and not-visible at the same instant, so one message is counted once, waiting
        // or in flight. One 300 s call after an hour idle: minute 60's sample (3630 s) counts 1 visible with no
        // instance in service, published at 3720 s: the start step sets ExactCapacity min(10, 0 + 1) = 1. The
        // instance serves from 3810 s; minute 63's sample (3810 s) sees it in service, so the start signal is 0.
        // Aggregating per second instead, minute 63 would hold 1 visible (3780-3809) + 1 in flight (3810-3839) with
        // fewer than one instance on average: 2.
        var s = Simulate(ZeroSpare, "seconds,workload,demand\n3600,f,1\n3900,f,0\n");
        Assert.Equal(1, s.Series.Max(p => p.Desired));
        Assert.Equal(3720, s.Series.First(p => p.Desired == 1).Seconds);
        Assert.Equal(1, s.Series.Max(p => p.Running + p.Booting));
    }

    [Fact]
    public void StepPolicy_AggregatesTheAlarmsDatapointsByItsMetricAggregationType()
    {
        // The safety net's policy has metricAggregationType Minimum: the breach size is the smallest excess over the
        // alarm's 10 datapoints, not the last one (PutScalingPolicy, MetricAggregationType). The plan's one step (−1
        // for any breach) cannot show which datapoint was used, so the planned policy is given two steps: breach
        // [0, 4) → −2, ≥ 4 → −7 (threshold 1). 11 in flight in minutes 10-11 (samples 630 and 690 s: excess
        // 15 − (11 + 2) = 2, breach 1), then 5 (excess 8, breach 7): at 1260 s the Minimum breach 1 removes 2 (the
        // last datapoint's would remove 7).
        var plan = Plan(SeedFunction);
        Assert.Equal("Minimum", PlannedScaling.Aws(plan.Workloads[0]).Alarms.Single(a => a.Name.EndsWith("scale-in-alarm", StringComparison.Ordinal))
            .Policy.MetricAggregationType);
        var function = plan.Workloads[0];
        PropertyValue Step(string lower, string? upper, int adjustment) => PropertyValue.From(new PropertyMap(
            new Dictionary<string, PropertyValue> { ["metricIntervalLowerBound"] = PropertyValue.From(lower), ["scalingAdjustment"] = adjustment }
                .Concat(upper is null ? [] : [KeyValuePair.Create("metricIntervalUpperBound", PropertyValue.From(upper))])));
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-scale-in"
                ? r with { Inputs = new PropertyMap(r.Inputs.Select(kv => kv.Key == "stepAdjustments"
                    ? KeyValuePair.Create(kv.Key, PropertyValue.From([Step("0", "4", -2), Step("4", null, -7)])) : kv)) }
                : r)] }],
        };
        var s = Assert.Single(Simulator.Run(edited, LoadTrace.Parse("seconds,workload,demand\n0,square,13\n600,square,11\n720,square,5\n2400,square,0\n"),
            PlatformParameters.Default).Workloads);
        Assert.Equal(15, DesiredAt(s, 1259));
        Assert.Equal(13, DesiredAt(s, 1260));
    }

    private const string Burst = "seconds,workload,demand\n0,f,10\n60,f,2\n1200,f,0\n";

    /// <summary>The plan with one planned child's input replaced: the rule is exercised on the shape it governs.</summary>
    private static WorkloadSimulation SimulateEdited(string resource, string input, PropertyValue value, string trace)
    {
        var plan = Plan(ZeroSpare);
        var function = plan.Workloads[0];
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == resource
                ? r with { Inputs = new PropertyMap(r.Inputs.Select(kv => kv.Key == input ? KeyValuePair.Create(kv.Key, value) : kv)) }
                : r)] }],
        };
        return Assert.Single(Simulator.Run(edited, LoadTrace.Parse(trace), PlatformParameters.Default).Workloads);
    }

    [Fact]
    public void PolicyScaleIn_IsBlockedWhileInstancesLaunchOrWarmUp()
    {
        // The plan's start step adds capacity (ChangeInCapacity) and can never lower it; to exercise the rule its
        // adjustment type is set to ExactCapacity (the plan before issue 20), whose steps then set desired = I.
        // 10 in flight for a minute, then 2. The start step (one datapoint) sets 10 at 120 s. Minute 1 (sample at
        // 90 s: 2 in flight, none in service) and minute 2 (150 s) make it fire again asking for 2 at 180 and 240 s;
        // but while instances launch, and until they finish their warm-up (the policy's estimatedInstanceWarmup,
        // 300 s), dynamic scaling does not scale in ("Set the default instance warmup for an Auto Scaling group", EC2
        // Auto Scaling User Guide). Desired stays 10 until the instances, in service from 210 s, have warmed up (510 s).
        var s = SimulateEdited("f-start", "adjustmentType", PropertyValue.From("ExactCapacity"), Burst);
        Assert.Equal(10, DesiredAt(s, 120));
        Assert.Equal(210, s.Series.First(p => p.Running == 10).Seconds);
        Assert.All(s.Series.Where(p => p.Seconds is >= 120 and < 510), p => Assert.Equal(10, p.Desired));
    }

    [Fact]
    public void StepScaleOut_LeavesInstancesWarmingUpOutOfTheCurrentCapacity()
    {
        // The plan's start step: ChangeInCapacity, + I for a breach of I − 1 (spare 0), estimatedInstanceWarmup 300 s.
        // 6 in flight for a minute, then 2: it adds 6 at 120 s. Its re-fires at 180 and 240 s on minutes 1-2 (2 in
        // flight, none in service) would add 2; but a step scale-out counts the current capacity without the instances
        // still warming up, and does not change desired when the result is not above it ("Step and simple scaling
        // policies", instance warmup, EC2 Auto Scaling User Guide): 0 + 2 = 2 ≤ 6, desired stays 6 (counting them
        // would give 8, below maxWorkers 10).
        var s = Simulate(ZeroSpare, "seconds,workload,demand\n0,f,6\n60,f,2\n1200,f,0\n");
        Assert.Equal(6, DesiredAt(s, 120));
        Assert.Equal(6, s.Series.Max(p => p.Desired));
    }

    [Fact]
    public void Hpa_SetsAsideTheCpuOfPodsNotReadyForAWholeMetricWindow()
    {
        // 3.5 cores on 2 pods of 1 core (limit = request), target 50 %, pods ready 60 s after creation. At 315 s the
        // pods run at 100 %: ceil(2 × 2) = 4. Until the new pods have been ready for a whole metric window (15 s) they
        // are set aside and, when scaling up, counted at 0 %: 100 % × 2 / 4 = 50 % = target, no change ("Horizontal Pod
        // Autoscaling", algorithm details; --horizontal-pod-autoscaler-cpu-initialization-period). At 390 s all 4 count:
        // 3.5 / 4 = 87.5 %, ceil(4 × 1.75) = 7 = ceil(3.5 / 0.5), where it stays.
        var s = Simulate("""
            s:
              type: multinode:index:Service
              properties: { image: i, minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.5 }
            """, "seconds,workload,demand\n0,s,1\n300,s,3.5\n", Kubernetes, PlatformParameters.Default with { PodStartSeconds = 60 });
        Assert.Equal(4, DesiredAt(s, 315));
        Assert.Equal(4, DesiredAt(s, 389));
        Assert.Equal(7, DesiredAt(s, 390));
        Assert.Equal(7, s.Series.Max(p => p.Desired));
    }

    [Theory]
    [InlineData(Targets.Aws.AwsPlanning.Config, 90)]
    [InlineData(Kubernetes, 20)]
    public void CostWithBoot_CountsEveryWorkerFromItsLaunch(string config, int start)
    {
        // EC2 bills an instance from running ("Amazon EC2 billing and purchasing options"), a pod holds its node's room
        // from scheduling: the 13 workers the seed adds are paid for during their start-up too.
        var s = Simulate(SeedFunction, SeedTrace, config);
        var booting = s.Series.Zip(s.Series.Skip(1), (a, b) => (long)a.Booting * (b.Seconds - a.Seconds)).Sum();
        Assert.True(booting >= 13L * start, $"{booting} booting worker-seconds");
        Assert.Equal(s.Summary.WorkerSeconds + booting, s.Summary.LaunchedWorkerSeconds);
        Assert.True(s.Summary.CostWithBoot > s.Summary.Cost);
    }
}
