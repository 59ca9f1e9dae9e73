using Multinode.Infra.Simulation;
using Multinode.Infra.Values;
using static Multinode.Infra.Tests.Simulation.Simulations;
using Aws = Multinode.Infra.Tests.Targets.Aws.AwsPlanning;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>Hand-worked traces: every number below follows from the plan and the default platform parameters
/// (metric period 60 s, lag 60 s, 3 datapoints to scale out, boot 90 s; HPA sync 15 s; pods ready after 20 s;
/// invocations of 1 s, each taken by the worker that has waited longest). Series read "second:running/desired/ideal"
/// at every change.
/// On AWS a Function's idle worker ends its own instance (the worker sidecar's CooldownPolicy): idle for the
/// cooldown, it finds in service &gt; in flight + spare, looks again after round(window × jitter) s — window =
/// clamp(cooldown / 10, 2, 30), jitter = frac((n + 1) × 0.618…) for the n-th worker launched (WorkerPool.Jitter):
/// n = 0…14 → 0.62 0.24 0.85 0.47 0.09 0.71 0.33 0.94 0.56 0.18 0.80 0.42 0.03 0.65 0.27 — and ends if still over.</summary>
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
        // The plan runs each Function worker with MULTINODE_SCALE_OUT_SECONDS=10 (CONTRACT-20, 2): every 10 s, at its
        // own phase (Jitter × 10 s after it became ready: worker 0 at 6 s, worker 1 at 2 s), a worker reads in flight
        // and raises desired to min(maxWorkers, in flight + spare) = min(30, 13 + 2) = 15 when that is higher. Worker 1
        // does so at 2 s; the 13 instances boot for 90 s and serve from 92 s. Work rotates: each second the 13
        // invocations go to the 13 workers that waited longest, so all 15 were last busy at 598 or 599 s and none
        // is idle for 300 s before 899-900 s. There each finds 15 > 0 + 2 and looks again after 30 × its jitter:
        // worker 12 (1 s) ends at 901, 4 (3 s) at 903, 9 (5 s) at 905, 1 (7 s) and 14 (8 s from 899) at 907, …;
        // each later look finds one fewer in service, and once 2 remain (924 s) the last two find 2 ≤ 0 + 2 and stay.
        // The safety-net alarm (2 × 300 s of excess) never fires.
        Assert.Equal("0:2/2/15 2:2/15/15 92:15/15/15 600:15/15/15 900:15/15/2 901:14/14/2 903:13/13/2 905:12/12/2 " +
            "907:10/10/2 910:9/9/2 912:8/8/2 914:7/7/2 917:6/6/2 919:4/4/2 921:3/3/2 924:2/2/2 983:2/2/2", Steps(s));
        // 15 held until 900 s = load end + cooldownPeriod; back to 2 within the confirm window (30 s) after that.
        Assert.Equal(15, RunningAt(s, 900));
        Assert.Equal(2, RunningAt(s, 900 + 30));
        Assert.Equal(2 * 92 + 15 * 808 + (15 + 14 * 2 + 13 * 2 + 12 * 2 + 10 * 3 + 9 * 2 + 8 * 2 + 7 * 3 + 6 * 2 + 4 * 2 + 3 * 3) + 2 * 60,
            s.Summary.WorkerSeconds);
        Assert.Equal(15 * 900 + 2 * 84, s.Summary.IdealWorkerSeconds);
        // 11 of the 13 invocations wait until the 13 new workers serve at 92 s.
        Assert.Equal(11 * 92, s.Summary.WaitSeconds);
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
        // 120 s) and sets exactly 4. Idle from 600 s, at 660 s each worker has waited cooldownPeriod 60 s, finds
        // 4 > 0 + 0 and looks again after round(6 × jitter): workers 1 (1 s), 3 (3 s), 0 (4 s), 2 (5 s) end at 661,
        // 663, 664, 665 s; the group's minimum is 0, so all go.
        Assert.Equal("0:0/0/4 120:0/4/4 210:4/4/4 600:4/4/4 660:4/4/0 661:3/3/0 663:2/2/0 664:1/1/0 665:0/0/0 724:0/0/0", Steps(s));
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
    // AWS: the one worker (number 0, looking every 10 s from 6 s) raises desired to min(5, 12 + 1) = 5 at 6 s; the
    // four new instances serve from 96 s. 11 − 4 = 7 invocations wait from 96 to 600 s.
    // Idle from 600 s, each worker looks at 660 s (cooldown 60 s), finds 5 > 0 + 1 and looks again after
    // round(6 × jitter): workers 1 and 4 (1 s) at 661, 3 (3 s) at 663, 0 (4 s) at 664; worker 2 (5 s) finds 1 ≤ 0 + 1.
    [InlineData(Aws.Config, "0:1/1/5 6:1/5/5 96:5/5/5 600:5/5/5 660:5/5/1 661:3/3/1 663:2/2/1 664:1/1/1 723:1/1/1", 11 * 96 + 7 * 504)]
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
        Assert.Equal(15, RunningAt(again, 1750));
        Assert.Equal(2, RunningAt(again, 1780));
    }

    [Fact]
    public void Run_LoadReturnsJustOutsideTheCooldownOnAws_ThePoolStartsAgain()
    {
        var s = Simulate(SeedFunction, "seconds,workload,demand\n0,square,13\n600,square,0\n1000,square,13\n1600,square,0\n");
        // Back to 2 at 924 s as in the seed: the survivors are the two with the longest confirm pauses, workers 7
        // (jitter 0.94) and 2 (0.85). Worker 2, ready at 92 s, looks every 10 s at phase round-down(10 × 0.85) = 8 s:
        // at 1000 s it sees 13 in flight and raises desired to 15; the 13 new instances serve from 1090 s. The second time the pool is the 2 survivors and 13 new workers (launch numbers 15-27, so other pauses:
        // round(30 × jitter) = 2 s for worker 25 ends one at 1902 s …); again none leaves before load end + 300 s and
        // all but 2 are gone within the 30 s confirm window.
        Assert.Equal("0:2/2/15 2:2/15/15 92:15/15/15 600:15/15/15 900:15/15/2 901:14/14/2 903:13/13/2 905:12/12/2 907:10/10/2 " +
            "910:9/9/2 912:8/8/2 914:7/7/2 917:6/6/2 919:4/4/2 921:3/3/2 924:2/2/2 1000:2/15/15 1090:15/15/15 " +
            "1600:15/15/15 1900:15/15/2 1902:14/14/2 1904:13/13/2 1906:12/12/2 1908:11/11/2 1911:10/10/2 1914:9/9/2 1915:8/8/2 " +
            "1918:7/7/2 1920:6/6/2 1922:5/5/2 1925:4/4/2 1926:3/3/2 1927:2/2/2 1986:2/2/2", Steps(s));
        Assert.Equal(11 * 92 + 11 * 90, s.Summary.WaitSeconds);
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

    [Fact]
    public void Run_JobWavesOnAws_NoExecutionLostAndEachWaveRefillsAtOnce()
    {
        // 20 executions of 120 s, maxConcurrency 5 (issue 20's Job case). The start alarm's minute 0 (sampled at 30 s:
        // 20 visible, no instance) is published at 120 s: ExactCapacity min(5, 20) = 5, serving after the 90 s boot.
        // Each worker runs one execution and ends its instance; while executions still wait it does not lower desired
        // (CONTRACT-20, 5), so the group replaces it at once: waves start at 210, 420, 630, 840 s, 90 s apart (the boot).
        var s = Simulate(Job, "seconds,workload,demand,duration\n0,j,20,120\n");
        Assert.Equal(new ExecutionSummary(20, 20, 0, 420, 840, 840), s.Summary.Executions);
        // Ideal: all 20 run on 5 workers from 0 s, in four waves of 120 s, done at 480 s (demand: in flight then).
        Assert.Equal("0:0/0/5 120:0/5/5 210:5/5/5 240:5/5/5 330:0/5/5 360:0/5/5 420:5/5/5 480:5/5/0 540:0/5/0 630:5/5/0 750:0/5/0 840:5/5/0 " +
            "960:0/0/0 1019:0/0/0", Steps(s));
        Assert.Equal(5 * (210 + 420 + 630 + 840), s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_JobBurstOnKubernetes_OneJobPerExecutionAtEachPoll()
    {
        // KEDA's ScaledJob polls every 30 s and starts min(max, queue length) − existing Jobs: 5 at 0 s (ready at 20 s,
        // done at 320 s), the other 3 at the poll of 330 s (ready at 350 s, done at 650 s).
        var s = Simulate(Job, "seconds,workload,demand,duration\n0,j,8,300\n", Kubernetes);
        Assert.Equal(new ExecutionSummary(8, 8, 0, 20, 350, 350), s.Summary.Executions);
        Assert.Equal("0:0/5/5 20:5/5/5 300:5/5/3 320:0/0/3 330:0/3/3 350:3/3/3 600:3/3/0 650:0/0/0 709:0/0/0", Steps(s));
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
        // At 315 s the pods run at their 1-core limit (3 cores on 2 × 1, 100 %): ceil(2 × 100 / 50) = 4, ready at 335 s.
        // At 345 s the two new pods have been ready for less than a 15 s metric window and are set aside; counted at 0 %
        // the ratio is 83 % × 2 / 4 / 50 % < 1.1: no change. At 360 s all four count at 75 %: ceil(4 × 75 / 50) = 6.
        // At 615 s 6 cores saturate 6 pods: ceil(6 × 2) = 12, clamped to 10. Down after the default 300 s stabilisation.
        Assert.Equal("0:2/2/2 300:2/2/6 315:2/4/6 335:4/4/6 360:4/6/6 380:6/6/6 600:6/6/10 615:6/10/10 635:10/10/10 1200:10/10/2 1500:2/2/2 1559:2/2/2", Steps(s));
        // Unserved: 1 core for 35 s (3 cores on 2 pods until the 4 are ready at 335 s); 6 cores at 600 s find 6 pods.
        Assert.Equal(1 * 35, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_ServiceCpuRampOnAws_ScalesOnTheContainersCpuCappedUtilisation()
    {
        var plan = Plan(Service);
        var scaling = PlannedScaling.Aws(plan.Workloads[0]);
        // The plan runs the container with docker run --cpus 1 on a 2-vCPU instance: the container can use at most
        // one core ("Runtime options with Memory, CPUs, and GPUs", Docker docs), so the instance's CPUUtilization is
        // at most 1 / 2 = 50 %. The plan scales the target by cpu / vCPUs (issue 20): 100 × 0.5 × 1 / 2 = 25 %, on
        // one-minute (detailed monitoring) datapoints.
        Assert.Equal((1.0, 2.0), (scaling.ContainerCpus, scaling.VCpusPerInstance));
        Assert.Equal(25, Assert.Single(scaling.Tracking).Target, 6);
        var s = Simulate(Service, Ramp);
        // 0-300 s: 1 core on 2 replicas, 0.5 / 2 = 25 %, not above target. From 300 s 3 cores saturate both capped
        // containers: 50 %. Target tracking scales out after 3 datapoints above target (minutes 5-7, published 60 s
        // after minute 7, at 540 s): ceil(2 warm × 50 / 25) = 4, serving after the 90 s boot (630 s). Instances count
        // once warmed up (estimatedInstanceWarmup 300 s): at 960 s (minutes 12-14 at 50 %) the 4, warm since 930 s,
        // ask for ceil(4 × 50 / 25) = 8, serving at 1050 s. From 1200 s 1 core on 8: 6.25 %; 15 datapoints below
        // target (minutes 20-34, published at 2160 s) scale in to ceil(8 × 6.25 / 25) = 2. Without the cap each
        // instance would show 3 / 4 = 75 % at 300 s and scale to ceil(2 × 75 / 25) = 6.
        Assert.Equal("0:2/2/2 300:2/2/6 540:2/4/6 600:2/4/10 630:4/4/10 960:4/8/10 1050:8/8/10 1200:8/8/2 2160:2/2/2 2219:2/2/2", Steps(s));
        // Unserved: 1 core 300-600 s, 4 cores 600-630 s (6 on 2), 2 cores 630-1050 s (6 on 4), none after.
        Assert.Equal(1 * 300 + 4 * 30 + 2 * 420, s.Summary.WaitSeconds);
    }

    private const string PartialTrace = "seconds,workload,demand\n0,square,13\n600,square,5\n2400,square,0\n";

    [Fact]
    public void Run_PartialLoadRotatingOverThePool_OnlyTheSafetyNetScalesIn()
    {
        var plan = Plan(SeedFunction);
        // The rule comes from the worker sidecar's environment in the planned user data.
        Assert.Equal(new WorkerRule(300, 2), PlannedScaling.Aws(plan.Workloads[0]).PerWorker);
        var s = Assert.Single(Simulator.Run(plan, LoadTrace.Parse(PartialTrace), PlatformParameters.Default).Workloads);
        // 5 in flight on 15 workers: each second the 5 that waited longest take the work, so each worker is busy every
        // third second and none is ever idle for 300 s — the per-worker rule cannot shrink a pool that work rotates over.
        // The safety net's 10 one-minute datapoints (2 × 300 s) of excess 15 − (5 + 2) = 8, minutes 10-19, are
        // published at 1260 s: its one step (ChangeInCapacity −1 for any breach) lowers desired by 1. But each worker keeps its instance protected until it has idled
        // for its cooldown (CONTRACT-20, 1), and scale-in never terminates a protected instance: desired is decremented,
        // the instances stay ("Use instance scale-in protection", EC2 Auto Scaling User Guide, Considerations).
        Assert.Equal(15, RunningAt(s, 1260));
        Assert.Equal(14, DesiredAt(s, 1260));
        // The alarm stays in ALARM (15 in service) and re-runs its policy every minute: 13 at 1320 s, … 7 at 1680 s.
        Assert.Equal(13, DesiredAt(s, 1320));
        Assert.Equal(7, DesiredAt(s, 1680));
        // Below 7 a running worker (looking every 10 s) finds in flight + spare = 7 above desired and raises it back
        // (CONTRACT-20, 2): desired holds at 7 until the load ends, then the safety net steps on: 6 at 2400 s … 2 at 2640 s.
        Assert.All(s.Series.Where(p => p.Seconds is >= 1680 and < 2400), p => Assert.Equal(7, p.Desired));
        Assert.Equal(2, DesiredAt(s, 2640));
        // No worker leaves before its cooldown: the load ends at 2400 s, each worker's last invocation at 2396-2399 s
        // (the rotation); once a worker has idled for more than 300 s its protection ends and the group terminates it,
        // down to desired.
        Assert.Equal(15, RunningAt(s, 2696));
        Assert.Equal(2, RunningAt(s, 2699));
    }

    [Fact]
    public void Run_ChangedPlannedChild_TheSimulationFollowsThePlanNotTheDeclaration()
    {
        var plan = Plan(SeedFunction);
        var function = plan.Workloads[0];
        // A safety net of 15 datapoints instead of 10: the simulation must read it from the alarm.
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-scale-in-alarm"
                ? r with { Inputs = new PropertyMap(r.Inputs.Select(kv => kv.Key is "evaluationPeriods" or "datapointsToAlarm" ? KeyValuePair.Create(kv.Key, (PropertyValue)15) : kv)) }
                : r)] }],
        };
        var s = Assert.Single(Simulator.Run(edited, LoadTrace.Parse(PartialTrace), PlatformParameters.Default).Workloads);
        // Minutes 10-24 of excess 8, published at 1560 s: the step removes one.
        Assert.Equal(15, DesiredAt(s, 1559));
        Assert.Equal(14, DesiredAt(s, 1560));
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
        // Each at the line and column of the field it concerns, in line order.
        Assert.Equal([
            "line 2, column 3: workload \"sqaure\" in the trace is not in the program (its workloads: square, nightly)",
            "line 3, column 3: ScheduledTask \"nightly\" takes no load trace: a ScheduledTask is simulated from its planned schedule; remove its lines",
            "line 4, column 10: Function \"square\" at 0 s: demand = 1.5 is not a whole number of in-flight invocations",
        ], e.Problems);
    }

    [Fact]
    public void Run_FixedLength_SimulatesExactlyThatLong()
    {
        var s = Assert.Single(Simulator.Run(Plan(SeedFunction), LoadTrace.Parse(SeedTrace), PlatformParameters.Default, 2000).Workloads);
        Assert.Equal(1999, s.Series[^1].Seconds);
        // As the seed (Run_SeedOnAws_…) up to 924 s, then 2 workers until 1999 s.
        Assert.Equal(2 * 92 + 15 * 808 + (15 + 14 * 2 + 13 * 2 + 12 * 2 + 10 * 3 + 9 * 2 + 8 * 2 + 7 * 3 + 6 * 2 + 4 * 2 + 3 * 3) + 2 * 1076,
            s.Summary.WorkerSeconds);
    }

    [Fact]
    public void Run_Parameters_ChangeTheModel()
    {
        var parameters = PlatformParameters.Default with { InstanceBootSeconds = 30, MetricLagSeconds = 0 };
        // A worker raises desired at 2 s (as in the seed); with a 30 s boot the 13 new instances serve from 32 s.
        Assert.StartsWith("0:2/2/15 2:2/15/15 32:15/15/15", Steps(Simulate(SeedFunction, SeedTrace, parameters: parameters)));
        // From zero the start alarm's minute 0 (sampled at 30 s: 4 in flight, none in service) is published at 60 s
        // with no lag; its ChangeInCapacity step adds 4 (in flight + spare 0), serving 30 s later.
        Assert.StartsWith("0:0/0/4 60:0/4/4 90:4/4/4", Steps(Simulate(ZeroSpare, "seconds,workload,demand\n0,f,4\n600,f,0\n", parameters: parameters)));
    }

    private const string EveryFiveMinutes = """
        tick:
          type: multinode:index:ScheduledTask
          properties: { image: i, schedule: "*/5 * * * *", timeoutSeconds: 60 }
        """;

    private const string NoTrace = "seconds,workload,demand\n";

    [Fact]
    public void Run_ScheduledTaskOnAws_RunsEachOccurrenceAfterTheActionDelayAndBoot()
    {
        var s = Simulate(EveryFiveMinutes, NoTrace, seconds: 900);
        // Fires at 0, 300, 600 s (from 2026-01-01T00:00Z, UTC); ideal and demand 1 for the 60 s run (timeoutSeconds).
        // The scheduled action sets desired 1 after 30 s, the instance serves after 90 s of boot, runs 60 s, ends itself.
        Assert.Equal("0:0/0/1 30:0/1/1 60:0/1/0 120:1/1/0 180:0/0/0 300:0/0/1 330:0/1/1 360:0/1/0 420:1/1/0 480:0/0/0 " +
            "600:0/0/1 630:0/1/1 660:0/1/0 720:1/1/0 780:0/0/0 899:0/0/0", Steps(s));
        Assert.Equal(3 * 60, s.Summary.WorkerSeconds);
        Assert.Equal(3 * 60, s.Summary.IdealWorkerSeconds);
        // The run comes 120 s late: none of the 60 s the ideal runs is served.
        Assert.Equal(3 * 60, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_ScheduledTaskOnKubernetes_JobsEndAtTheirDeadlineCountedFromCreation()
    {
        var s = Simulate(EveryFiveMinutes, NoTrace, Kubernetes, seconds: 900);
        // The CronJob creates a Job at 0, 300, 600 s; its pod is ready 20 s later and activeDeadlineSeconds (60)
        // ends it at 60 s after creation, so the pod runs 40 of its 60 s.
        Assert.Equal("0:0/1/1 20:1/1/1 60:0/0/0 300:0/1/1 320:1/1/1 360:0/0/0 600:0/1/1 620:1/1/1 660:0/0/0 899:0/0/0", Steps(s));
        Assert.Equal(3 * 40, s.Summary.WorkerSeconds);
        Assert.Equal(3 * 20, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_ScheduledTaskLongerThanItsInterval_NeverOverlaps()
    {
        // Runs of 400 s every 300 s: the run from 0 s still goes at 300 s, so that occurrence is skipped on both targets.
        var p = PlatformParameters.Default with { TaskRunSeconds = 400 };
        var aws = Simulate(EveryFiveMinutes, NoTrace, parameters: p, seconds: 900);
        // desired 30..519 (30 + 90 + 400); the action at 330 changes nothing; the next at 630.
        Assert.Equal("0:0/0/1 30:0/1/1 120:1/1/1 520:0/0/1 630:0/1/1 720:1/1/1 899:1/1/1", Steps(aws));
        Assert.True(aws.Series.All(x => x.Running <= 1));
        var k8s = Simulate(EveryFiveMinutes, NoTrace, Kubernetes, p, seconds: 900);
        // activeDeadlineSeconds 60 still ends each Job at 60 s, so Forbid never has to skip here.
        Assert.Equal("0:0/1/1 20:1/1/1 60:0/0/1 300:0/1/1 320:1/1/1 360:0/0/1 600:0/1/1 620:1/1/1 660:0/0/1 899:0/0/1", Steps(k8s));
    }

    private const string OneDaemon = """
        d:
          type: multinode:index:Daemon
          properties: { image: i }
        """;

    [Fact]
    public void Run_DaemonOnAws_RunsItsOneInstanceAfterBoot()
    {
        var s = Simulate(OneDaemon, NoTrace, seconds: 300);
        Assert.Equal("0:0/1/1 90:1/1/1 299:1/1/1", Steps(s));
        Assert.Equal(300 - 90, s.Summary.WorkerSeconds);
        Assert.Equal(300, s.Summary.IdealWorkerSeconds);
        Assert.Equal(90, s.Summary.WaitSeconds);
    }

    [Fact]
    public void Run_DaemonOnKubernetes_RunsItsOnePodAfterStart()
    {
        var s = Simulate(OneDaemon, NoTrace, Kubernetes, seconds: 300);
        Assert.Equal("0:0/1/1 20:1/1/1 299:1/1/1", Steps(s));
        Assert.Equal(300 - 20, s.Summary.WorkerSeconds);
        Assert.Equal(20, s.Summary.WaitSeconds);
    }
}
