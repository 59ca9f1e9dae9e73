using Multinode.Infra.Planning;
using Multinode.Infra.Simulation;
using Multinode.Infra.Values;
using static Multinode.Infra.Tests.Simulation.Simulations;
using Aws = Multinode.Infra.Tests.Targets.Aws.AwsPlanning;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>Hand-worked traces: every number below follows from the plan and the default platform parameters
/// (metric period 60 s, lag 60 s, 3 datapoints to scale out, boot 90 s; HPA sync 15 s; pods ready after 20 s).
/// Series read "second:running/desired/ideal" at every change.</summary>
public class SimulatorTests
{
    private const string ZeroSpare = """
        f:
          type: multinode:index:Function
          properties: { image: i, maxWorkers: 10, spareWorkers: 0, cooldownPeriod: 60 }
        """;

    [Fact]
    public void Run_SeedOnAws_ReachesAndHolds15AndReturnsTo2AfterTheCooldown()
    {
        var s = Simulate(SeedFunction, SeedTrace);
        // 2 spare workers serve while target tracking waits for 3 one-minute datapoints (minutes 0-2, published at
        // 240 s), asks for ceil(2 × (13 + 2) / 2) = 15, instances boot for 90 s. The scale-in alarm needs minutes
        // 10-14 of excess (published at 960 s) and removes 13.
        Assert.Equal("0:2/2/15 240:2/15/15 330:15/15/15 600:15/15/15 900:15/15/2 960:2/2/2 1019:2/2/2", Steps(s));
        Assert.Equal(2 * 330 + 15 * 630 + 2 * 60, s.Summary.WorkerSeconds);
        Assert.Equal(15 * 900 + 2 * 120, s.Summary.IdealWorkerSeconds);
        Assert.Equal(11 * 330, s.Summary.WaitSeconds);
        Assert.Equal(13, s.Summary.MaxBelowIdeal);
        Assert.Equal(13, s.Summary.MaxAboveIdeal);
        Assert.True(s.Series.All(p => p.Running <= 30));
    }

    [Fact]
    public void Run_SeedOnKubernetes_ReachesAndHolds15AndReturnsTo2AfterTheCooldown()
    {
        var s = Simulate(SeedFunction, SeedTrace, Kubernetes);
        // The HPA may add max(4 pods, 100 %) per sync: 2 → 6 → 12 → 15 at 0, 15, 30 s; pods are ready 20 s later.
        // The last sync that saw load was at 585 s; the 315 s stabilisation window lets go at 900 s.
        Assert.Equal("0:2/6/15 15:2/12/15 20:6/12/15 30:6/15/15 35:12/15/15 50:15/15/15 600:15/15/15 900:2/2/2 959:2/2/2", Steps(s));
        Assert.Equal(2 * 20 + 6 * 15 + 12 * 15 + 15 * 850 + 2 * 60, s.Summary.WorkerSeconds);
        Assert.Equal(11 * 20 + 7 * 15 + 1 * 15, s.Summary.WaitSeconds);
        Assert.Equal(0, s.Summary.MaxAboveIdeal);
    }

    [Fact]
    public void Run_FromZeroOnAws_TheStartPolicySetsExactCapacity()
    {
        var s = Simulate(ZeroSpare, "seconds,workload,demand\n0,f,4\n600,f,0\n");
        // Target tracking has no datapoint at zero instances; the start alarm sees I = 4 in minute 0 (published at
        // 120 s) and sets exactly 4. With cooldownPeriod 60 the scale-in alarm needs one datapoint of excess: minute 10.
        Assert.Equal("0:0/0/4 120:0/4/4 210:4/4/4 600:4/4/4 660:4/4/0 720:0/0/0 779:0/0/0", Steps(s));
        Assert.Equal(4 * 210, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_FromZeroOnKubernetes_KedaActivatesAndTheHpaScalesInOneSync()
    {
        var s = Simulate(ZeroSpare, "seconds,workload,demand\n0,f,4\n600,f,0\n", Kubernetes);
        // KEDA activates 0 → 1 at its first poll and the HPA goes to 4 in the same second; KEDA's cooldown (90 s since
        // the last active poll at 570 s) and the HPA's window (75 s since the sync at 585 s) both end at 660 s.
        Assert.Equal("0:0/4/4 20:4/4/4 600:4/4/4 660:0/0/0 719:0/0/0", Steps(s));
        Assert.Equal(4 * 20, s.Summary.WaitSeconds);
    }

    [Theory]
    [InlineData(Aws.Config, "0:1/1/5 240:1/5/5 330:5/5/5 600:5/5/5 660:5/5/1 720:1/1/1 779:1/1/1", 11 * 330 + 7 * 270)]
    [InlineData(Kubernetes, "0:1/5/5 20:5/5/5 600:5/5/5 660:1/1/1 719:1/1/1", 11 * 20 + 7 * 580)]
    public void Run_BurstAboveMaxWorkers_NeverExceedsMaxWorkers(string config, string steps, double wait)
    {
        var s = Simulate("""
            f:
              type: multinode:index:Function
              properties: { image: i, maxWorkers: 5, spareWorkers: 1, cooldownPeriod: 60 }
            """, "seconds,workload,demand\n0,f,12\n600,f,0\n", config);
        Assert.Equal(steps, Steps(s));
        Assert.Equal(wait, s.Summary.WaitSeconds);
        Assert.True(s.Series.All(p => p.Running <= 5 && p.Desired <= 5));
    }

    [Theory]
    [InlineData(Aws.Config)]
    [InlineData(Kubernetes)]
    public void Run_LoadReturnsJustInsideTheCooldown_ThePoolIsStillThere(string config)
    {
        var first = Simulate(SeedFunction, SeedTrace, config);
        var again = Simulate(SeedFunction, "seconds,workload,demand\n0,square,13\n600,square,0\n850,square,13\n1450,square,0\n", config);
        // Returning 250 s after the load ended, inside cooldownPeriod 300: no worker has left, so no new wait.
        Assert.Equal(first.Summary.WaitSeconds, again.Summary.WaitSeconds);
        Assert.Equal(15, RunningAt(again, 850));
        Assert.Equal(15, RunningAt(again, 1749));
    }

    [Fact]
    public void Run_LoadReturnsJustOutsideTheCooldownOnAws_ThePoolStartsAgain()
    {
        var s = Simulate(SeedFunction, "seconds,workload,demand\n0,square,13\n600,square,0\n1000,square,13\n1600,square,0\n");
        // Back to 2 at 960 s; the return at 1000 s waits for minutes 16-18 (published at 1200 s) and a boot.
        Assert.Equal("0:2/2/15 240:2/15/15 330:15/15/15 600:15/15/15 900:15/15/2 960:2/2/2 1000:2/2/15 1200:2/15/15 1290:15/15/15 " +
            "1600:15/15/15 1900:15/15/2 1980:2/2/2 2039:2/2/2", Steps(s));
        Assert.Equal(11 * 330 + 11 * 290, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_LoadReturnsJustOutsideTheCooldownOnKubernetes_ThePoolStartsAgain()
    {
        var s = Simulate(SeedFunction, "seconds,workload,demand\n0,square,13\n600,square,0\n1000,square,13\n1600,square,0\n", Kubernetes);
        Assert.Equal(2, RunningAt(s, 999));
        Assert.Equal(15, RunningAt(s, 1055));
        // 50 s of ramp the first time; the second time the sync grid (1005 s) adds 5 s.
        Assert.Equal(340 + 11 * 25 + 7 * 15 + 1 * 15, s.Summary.WaitSeconds);
    }

    private const string Job = """
        j:
          type: multinode:index:Job
          properties: { image: i, maxConcurrency: 5 }
        """;

    [Theory]
    [InlineData(Aws.Config, "0:0/0/5 120:0/5/5 210:5/5/5 300:0/0/0 359:0/0/0", 8 * 210 + 3 * 90)]
    [InlineData(Kubernetes, "0:0/5/5 20:5/5/5 300:0/0/0 359:0/0/0", 8 * 20 + 3 * 280)]
    public void Run_JobBurst_OneWorkerPerExecutionUpToMaxConcurrencyGoneAfterwards(string config, string steps, double wait)
    {
        var s = Simulate(Job, "seconds,workload,demand\n0,j,8\n300,j,0\n", config);
        Assert.Equal(steps, Steps(s));
        Assert.Equal(wait, s.Summary.WaitSeconds);
    }

    private const string Service = """
        s:
          type: multinode:index:Service
          properties: { image: i, minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.5 }
        """;

    private const string Ramp = "seconds,workload,demand\n0,s,1\n300,s,3\n600,s,6\n1200,s,1\n";

    [Fact]
    public void Run_ServiceCpuRampOnKubernetes_FollowsTheHpa()
    {
        var s = Simulate(Service, Ramp, Kubernetes);
        // At 315 s the pods run at 100 % (3 cores on 2 × 1): ceil(2 × 100 / 50) = 4; at 345 s 3 cores on 4 pods is 75 %:
        // ceil(4 × 75 / 50) = 6. At 615 s 6 cores saturate 6 pods: ceil(6 × 2) = 12, clamped to 10. Down after the
        // default 300 s stabilisation.
        Assert.Equal("0:2/2/2 300:2/2/6 315:2/4/6 335:4/4/6 345:4/6/6 365:6/6/6 600:6/6/10 615:6/10/10 635:10/10/10 1200:10/10/2 1500:2/2/2 1559:2/2/2", Steps(s));
        // Unserved: 1 core for 35 s (3 cores on 2 pods until the 4 are ready at 335 s); 6 cores at 600 s find 6 pods.
        Assert.Equal(1 * 35, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_ServiceCpuRampOnAws_BasicMonitoringMakesTargetTrackingSlow()
    {
        var s = Simulate(Service, Ramp);
        // Five-minute CPU datapoints (no detailed monitoring in the launch template): the third one above target,
        // [900, 1200), is published at 1260 s. Utilisation is of the instance's 2 vCPUs and saturates at 100 %: ceil(2 × 100 / 50) = 4.
        Assert.StartsWith("0:2/2/2 300:2/2/6 600:2/2/10 1200:2/2/2 1260:2/4/2 1350:4/4/2", Steps(s));
    }

    [Fact]
    public void Run_PlanWithTheWorkerSidecarsRule_IdleWorkersEndAfterTheirOwnCooldown()
    {
        var plan = Plan(SeedFunction);
        var function = plan.Workloads[0];
        var withRule = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-lt" ? WithWorkerEnv(r) : r)] }],
        };
        const string trace = "seconds,workload,demand\n0,square,13\n600,square,5\n1200,square,0\n";
        var pool = Assert.Single(Simulator.Run(plan, LoadTrace.Parse(trace), PlatformParameters.Default).Workloads);
        var perWorker = Assert.Single(Simulator.Run(withRule, LoadTrace.Parse(trace), PlatformParameters.Default).Workloads);
        // The pool-level alarm removes the 8 idle workers at 960 s. With the rule each idle worker ends itself once it
        // has been idle for 300 s while 15 > in-flight + spare: the two spares (idle since they booted at 330 s) at
        // 631 s, the 8 workers idle since 600 s at 900 s, leaving 5 + 2.
        Assert.Equal(15, RunningAt(pool, 959));
        Assert.Equal(7, RunningAt(pool, 960));
        Assert.Equal(15, RunningAt(perWorker, 630));
        Assert.Equal(13, RunningAt(perWorker, 631));
        Assert.Equal(13, RunningAt(perWorker, 899));
        Assert.Equal(7, RunningAt(perWorker, 900));
    }

    /// <summary>The launch template as the worker sidecar's plan (issue 13) will carry it: its settings in the user data.</summary>
    private static PlannedResource WithWorkerEnv(PlannedResource template)
    {
        var userData = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(((StringValue)template.Inputs["userData"]).Value));
        var changed = userData + "\ndocker run -e MULTINODE_COOLDOWN_SECONDS=300 -e MULTINODE_SPARE_WORKERS=2 worker\n";
        return template with
        {
            Inputs = new PropertyMap(template.Inputs.Select(kv => kv.Key == "userData"
                ? KeyValuePair.Create(kv.Key, (PropertyValue)Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(changed)))
                : kv)),
        };
    }

    [Fact]
    public void Run_ChangedPlannedChild_TheSimulationFollowsThePlanNotTheDeclaration()
    {
        var plan = Plan(SeedFunction);
        var function = plan.Workloads[0];
        // A scale-in alarm of 10 datapoints instead of 5: the simulation must read it from the alarm.
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-scale-in-alarm"
                ? r with { Inputs = new PropertyMap(r.Inputs.Select(kv => kv.Key is "evaluationPeriods" or "datapointsToAlarm" ? KeyValuePair.Create(kv.Key, (PropertyValue)10) : kv)) }
                : r)] }],
        };
        var s = Assert.Single(Simulator.Run(edited, LoadTrace.Parse(SeedTrace), PlatformParameters.Default).Workloads);
        Assert.Equal(15, RunningAt(s, 1259));
        Assert.Equal(2, RunningAt(s, 1260));
    }

    [Fact]
    public void Run_TraceNamesUnknownOrTracelessWorkloads_SaysSoForEach()
    {
        var plan = Plan(SeedFunction + """

            nightly:
              type: multinode:index:ScheduledTask
              properties: { image: i, schedule: "0 3 * * *" }
            """);
        var e = Assert.Throws<TraceException>(() => Simulator.Run(plan,
            LoadTrace.Parse("seconds,workload,demand\n0,sqaure,1\n0,nightly,1\n0,square,1.5\n"), PlatformParameters.Default));
        Assert.Equal([
            "ScheduledTask \"nightly\" takes no load trace: a ScheduledTask runs on its schedule or as one process",
            "workload \"sqaure\" in the trace is not in the program (its workloads: square, nightly)",
            "Function \"square\" at 0 s: demand = 1.5 is not a whole number of in-flight invocations",
        ], e.Problems);
    }

    [Fact]
    public void Run_FixedLength_SimulatesExactlyThatLong()
    {
        var s = Assert.Single(Simulator.Run(Plan(SeedFunction), LoadTrace.Parse(SeedTrace), PlatformParameters.Default, 2000).Workloads);
        Assert.Equal(1999, s.Series[^1].Seconds);
        Assert.Equal(2 * 330 + 15 * 630 + 2 * 1040, s.Summary.WorkerSeconds);
    }

    [Fact]
    public void Run_Parameters_ChangeTheModel()
    {
        var s = Simulate(SeedFunction, SeedTrace, parameters: PlatformParameters.Default with { InstanceBootSeconds = 30, MetricLagSeconds = 0 });
        Assert.StartsWith("0:2/2/15 180:2/15/15 210:15/15/15", Steps(s));
    }
}
