using Multinode.Infra.Planning;
using Multinode.Infra.Targets;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Simulation;

/// <summary>One second where something changed: demand, the ideal worker count, the platform's desired count, the
/// workers running (booted and serving), booting (launched, not yet serving), busy (holding work) or the work waiting.</summary>
public sealed record SimulationPoint(int Seconds, double Demand, int Ideal, int Desired, int Running, int Booting = 0, int Busy = 0, int Waiting = 0);

/// <summary>A run-to-completion workload's executions: enqueued, completed, lost (enqueued but never completed within
/// the simulation: 0 for a correct plan) and the seconds each completed one waited from its arrival to its start.</summary>
public sealed record ExecutionSummary(int Enqueued, int Completed, int Lost, int WaitP50, int WaitP95, int WaitMax);

/// <summary>Totals over the simulated time. Wait is demand no running worker served, summed over seconds (invocation-
/// seconds for a Function or Job, core-seconds for a Service). Costs are worker-seconds × the plan's per-worker price;
/// <see cref="CostWithBoot"/> counts every launched worker from its launch (EC2 bills from running, a pod holds its
/// node from scheduling).</summary>
public sealed record SimulationSummary(long WorkerSeconds, long IdealWorkerSeconds, int MaxAboveIdeal, int MaxBelowIdeal,
    double WaitSeconds, decimal? Cost, decimal? IdealCost, long LaunchedWorkerSeconds = 0, decimal? CostWithBoot = null,
    ExecutionSummary? Executions = null);

/// <summary>A serving worker removed at <paramref name="Seconds"/> after <paramref name="IdleSeconds"/> without work
/// (0 while it held work), by the platform (<paramref name="ByGroup"/>: a scale-in or reconciliation) or by
/// itself.</summary>
public sealed record WorkerRemoval(int Seconds, int IdleSeconds, bool ByGroup);

/// <summary>The simulation of one workload: its series, totals, the deviations from the ideal in words, and each
/// removal of a serving worker.</summary>
public sealed record WorkloadSimulation(string Name, WorkloadKind Kind, ITarget Target, IReadOnlyList<SimulationPoint> Series,
    SimulationSummary Summary, IReadOnlyList<string> Deviations, IReadOnlyList<WorkerRemoval> Removals);

/// <summary>A whole trace replayed against a plan, over [0, <see cref="Seconds"/>).</summary>
public sealed record SimulationResult(ITarget Target, int Seconds, PlatformParameters Parameters, IReadOnlyList<WorkloadSimulation> Workloads);

/// <summary>
/// Replays a load trace against the planned autoscaling of each workload, one second at a time (docs/simulation.md).
/// Pure and deterministic: same plan, trace and parameters, same result.
/// </summary>
public static class Simulator
{
    /// <summary>The wall-clock instant second 0 stands for unless <see cref="PlatformParameters.Start"/> says otherwise:
    /// where a ScheduledTask's schedule is counted from (docs/simulation.md).</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How long after the last change of the trace the platforms get to settle before the simulation stops looking.</summary>
    public const int SettleSeconds = 4 * 3600;

    /// <summary>Simulations longer than this collect the garbage of each workload's replay before the next.</summary>
    private const int ReclaimAfterSeconds = 3600;

    /// <summary>Seconds shown after the last change of any series.</summary>
    public const int TailSeconds = 60;

    /// <summary>Simulates every workload the trace names. <paramref name="seconds"/> fixes the length (so that two
    /// plans compare over the same time); by default it ends <see cref="TailSeconds"/> after the last change.
    /// <paramref name="tracedOnly"/> leaves out the ScheduledTasks and Daemons, which are otherwise simulated as planned
    /// over the same span (the traced workloads set the length when the trace names any).</summary>
    public static SimulationResult Run(Plan plan, LoadTrace trace, PlatformParameters parameters, int? seconds = null, bool tracedOnly = false)
    {
        Check(plan, trace);
        var workloads = plan.Workloads.Where(w => trace.Workloads.ContainsKey(w.Workload.Name) || !tracedOnly && !FollowsLoad(w.Workload)).ToList();
        var lastWork = Math.Max(trace.LastChange, workloads.Where(w => w.Workload is IRunsToCompletion)
            .Select(w => trace.LastExecutionEnd(w.Workload.Name, RunSeconds(w.Workload, parameters))).DefaultIfEmpty(0).Max());
        var length = seconds ?? lastWork + SettleSeconds;
        var runs = new List<Trajectory>(workloads.Count);
        foreach (var w in workloads)
        {
            runs.Add(Replay(w, plan.Config.Target, trace, length, parameters));
            // A replay leaves megabytes of per-second garbage and keeps a few kilobytes; collecting it here keeps a
            // program of a hundred workloads within a few hundred megabytes (bench/simulate.js) for milliseconds each.
            if (length > ReclaimAfterSeconds) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
        var leading = runs.Any(r => FollowsLoad(r.Plan.Workload)) ? runs.Where(r => FollowsLoad(r.Plan.Workload)) : runs;
        var end = seconds ?? Math.Min(length, Math.Max(lastWork, leading.Select(r => r.LastChange).DefaultIfEmpty(0).Max()) + TailSeconds);
        return new SimulationResult(plan.Config.Target, end, parameters, [.. runs.Select(r => r.Cut(end))]);
    }

    private static bool FollowsLoad(Workload w) => w is IScalesWithLoad;

    private static void Check(Plan plan, LoadTrace trace)
    {
        var problems = trace.ProblemsWith(plan);
        if (problems.Count > 0) throw new TraceException(problems);
    }

    /// <summary>Multinode's own rule, worker count per second (DESIGN section 1): the kind's rule for a kind that
    /// scales with load; otherwise demand is the run that should be going (see PlannedDemand), one worker while it is.</summary>
    public static int[] Ideal(Workload workload, double[] demand) =>
        workload is IScalesWithLoad scaled ? scaled.Ideal(demand) : [.. demand.Select(d => d > 0 ? 1 : 0)];

    /// <summary>What the explanations need of a platform model: its decisions and the words for its delays.</summary>
    private sealed record ModelWords(IReadOnlyList<Decision> Decisions, string ScaleInDelay, string ScaleOutDelay, string StartWords);

    /// <summary>The record of one workload before it is cut to the simulated length.</summary>
    private sealed record Trajectory(WorkloadPlan Plan, ITarget Target, Timeline Line, JobQueue? Jobs, ModelWords Model,
        IReadOnlyList<WorkerRemoval> Removals)
    {
        public int LastChange => Line.LastChange;

        public WorkloadSimulation Cut(int end)
        {
            var l = Line;
            var series = new List<SimulationPoint>();
            long running = 0, ideal = 0, launched = 0;
            int above = 0, below = 0;
            double wait = 0;
            SimulationPoint Point(int i, int t) => new(t, l.Demand(i), l.Ideal(i), l.Desired(i), l.Ready(i), l.Launched(i) - l.Ready(i), l.Busy(i), l.Waiting(i));
            for (var i = 0; i < l.Count && l.At(i) < end; i++)
            {
                // A point where only the unserved work changed is no change of the series.
                if (i == 0 || Point(i, 0) with { Seconds = 0 } != series[^1] with { Seconds = 0 }) series.Add(Point(i, l.At(i)));
                var span = l.Span(i, end);
                running += (long)l.Ready(i) * span;
                launched += (long)l.Launched(i) * span;
                ideal += (long)l.Ideal(i) * span;
                wait += l.Unserved(i) * span;
                above = Math.Max(above, l.Ready(i) - l.Ideal(i));
                below = Math.Max(below, l.Ideal(i) - l.Ready(i));
            }
            if (series[^1].Seconds != end - 1) series.Add(Point(l.IndexAt(end - 1), end - 1));
            var price = Plan.Summary.WorkerHourlyCost;
            decimal? Cost(long workerSeconds) => price is { } p ? decimal.Round(workerSeconds * p / 3600m, 4) : null;
            var summary = new SimulationSummary(running, ideal, above, below, Math.Round(wait, 3), Cost(running), Cost(ideal),
                launched, Cost(launched), Jobs is { } q ? Executions(q) : null);
            return new WorkloadSimulation(Plan.Workload.Name, Plan.Workload.Kind, Target, series, summary,
                Deviations(end), [.. Removals.Where(r => r.Seconds < end)]);
        }

        private static ExecutionSummary Executions(JobQueue q)
        {
            var waits = q.Waits.Order().ToList();
            int Percentile(double p) => waits.Count == 0 ? 0 : waits[Math.Max(0, (int)Math.Ceiling(p * waits.Count) - 1)];
            return new ExecutionSummary(q.Enqueued, q.Completed, q.Enqueued - q.Completed, Percentile(0.5), Percentile(0.95),
                waits.Count == 0 ? 0 : waits[^1]);
        }

        /// <summary>Each stretch where running left the ideal, in words, the longest first (at most six).</summary>
        private List<string> Deviations(int end)
        {
            var l = Line;
            // Stretches of one sign of running − ideal, over the change points: (from, to, sign, largest gap, most desired).
            var stretches = new List<(int From, int To, int Sign, int Gap, int Desired)>();
            for (var i = 0; i < l.Count && l.At(i) < end; i++)
            {
                var sign = Math.Sign(l.Ready(i) - l.Ideal(i));
                var to = l.At(i) + l.Span(i, end);
                var gap = Math.Abs(l.Ready(i) - l.Ideal(i));
                if (stretches.Count > 0 && stretches[^1].Sign == sign && stretches[^1].To == l.At(i))
                {
                    var last = stretches[^1];
                    stretches[^1] = (last.From, to, sign, Math.Max(last.Gap, gap), Math.Max(last.Desired, l.Desired(i)));
                }
                else stretches.Add((l.At(i), to, sign, gap, l.Desired(i)));
            }
            static string Num(double v) => Values.Numbers.Short(v, 2);
            return [.. stretches.Where(x => x.Sign != 0)
                .OrderByDescending(x => (long)(x.To - x.From) * x.Gap)
                .Take(6)
                .OrderBy(x => x.From)
                .Select(x =>
                {
                    var at = l.IndexAt(x.From);
                    var head = $"running stayed {(x.Sign < 0 ? "below" : "above")} ideal for {x.To - x.From} s from {x.From} s " +
                        $"(by up to {x.Gap}; demand {Num(l.Demand(at))}, ideal {l.Ideal(at)}, running {l.Ready(at)})";
                    var decisions = Model.Decisions.Where(d => d.Seconds >= x.From && d.Seconds <= x.To).ToList();
                    if (x.Sign > 0)
                    {
                        var lower = decisions.FirstOrDefault(d => d.To < d.From);
                        return lower is null
                            ? $"{head}: {Model.ScaleInDelay}."
                            : $"{head}: {lower.Mechanism} lowered desired to {lower.To} at {lower.Seconds} s.";
                    }
                    var first = decisions.FirstOrDefault(d => d.To > d.From);
                    var reach = decisions.FirstOrDefault(d => d.To > d.From && d.To >= l.Ideal(l.IndexAt(Math.Min(d.Seconds, end - 1))))
                        ?? decisions.LastOrDefault(d => d.To > d.From);
                    if (first is null || reach is null)
                        return $"{head}: the platform asked for at most {x.Desired} workers meanwhile ({Model.ScaleOutDelay}).";
                    var steps = reach == first ? "" : $" in steps from {first.Seconds} s";
                    return $"{head}: {reach.Mechanism} raised desired to {reach.To} at {reach.Seconds} s ({reach.Seconds - x.From} s{steps}), then {Model.StartWords}.";
                })];
        }
    }

    private static int RunSeconds(Workload w, PlatformParameters p) => PlannedRunsModel.RunSeconds(w, p);

    /// <summary>What a ScheduledTask or Daemon should be doing, as demand: 1 from each occurrence of the schedule for the
    /// run length (--task-run), and 1 throughout for a Daemon.</summary>
    private static double[] PlannedDemand(WorkloadPlan plan, ITarget target, int length, PlatformParameters p)
    {
        var demand = new double[length];
        if (plan.Workload is not IRunsOnSchedule)
        {
            Array.Fill(demand, 1);
            return demand;
        }
        var run = RunSeconds(plan.Workload, p);
        foreach (var o in PlannedRunsModel.Occurrences(TargetSimulation.Of(target).Schedule(plan), length, p.Start))
            for (var t = o; t < Math.Min(length, o + run); t++) demand[t] = 1;
        return demand;
    }

    private static Trajectory Replay(WorkloadPlan plan, ITarget target, LoadTrace trace, int length, PlatformParameters p)
    {
        var w = plan.Workload;
        JobQueue? jobs = null;
        double[] demand;
        if (!FollowsLoad(w)) demand = PlannedDemand(plan, target, length, p);
        else if (w is IRunsToCompletion)
        {
            // Executions enqueued by the trace; demand is what Multinode's rule would have in flight (started at once).
            var executions = trace.ExecutionsOf(w.Name, RunSeconds(w, p));
            jobs = new JobQueue(length, executions);
            demand = JobQueue.IdealInFlight(length, w.MaxWorkers, executions);
        }
        else demand = trace.DemandOf(w.Name, length);
        var signals = new Signals(demand, jobs);
        var (model, pool) = TargetSimulation.Of(target).Model(plan, signals, p);
        for (var t = 0; t < length; t++)
        {
            jobs?.Arrive(t);
            model.Decide(t);
            model.Serve(t);
            signals.Ready[t] = pool.Ready(t);
            signals.Launched[t] = pool.Count;
            signals.Desired[t] = model.Desired;
        }
        var line = new Timeline(signals, Ideal(w, demand));
        signals.Release();
        // Only the decisions and their words are kept: the model holds the per-second signals.
        return new Trajectory(plan, target, line, jobs, new ModelWords(model.Decisions, model.ScaleInDelay,
            model.ScaleOutDelay, model.StartWords), pool.Removals);
    }
}
