using System.Globalization;
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

/// <summary>The simulation of one workload: its series, totals, and the deviations from the ideal in words.</summary>
public sealed record WorkloadSimulation(string Name, WorkloadKind Kind, ITarget Target, IReadOnlyList<SimulationPoint> Series,
    SimulationSummary Summary, IReadOnlyList<string> Deviations);

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
        var runs = workloads.Select(w => Replay(w, plan.Config.Target, trace, length, parameters)).ToList();
        var leading = runs.Any(r => FollowsLoad(r.Plan.Workload)) ? runs.Where(r => FollowsLoad(r.Plan.Workload)) : runs;
        var end = seconds ?? Math.Min(length, Math.Max(lastWork, leading.Select(r => r.LastChange).DefaultIfEmpty(0).Max()) + TailSeconds);
        return new SimulationResult(plan.Config.Target, end, parameters, [.. runs.Select(r => r.Cut(end))]);
    }

    private static bool FollowsLoad(Workload w) => w is IScalesWithLoad;

    private static void Check(Plan plan, LoadTrace trace)
    {
        var problems = new List<string>();
        var names = plan.Workloads.Select(w => w.Workload.Name).ToList();
        foreach (var name in trace.Workloads.Keys)
        {
            var workload = plan.Workloads.FirstOrDefault(w => w.Workload.Name == name)?.Workload;
            if (workload is null)
                problems.Add($"workload \"{name}\" in the trace is not in the program (its workloads: {string.Join(", ", names)})");
            else if (!FollowsLoad(workload))
                problems.Add($"{workload.Label} takes no load trace: a {workload.Kind} is simulated {(workload is IRunsOnSchedule ? "from its planned schedule" : "as its one process")}; remove its lines");
            else
            {
                foreach (var step in trace.Workloads[name].Where(s => s.Duration is not null && workload is not IRunsToCompletion))
                    problems.Add($"{workload.Label} at {step.Seconds} s: duration = {step.Duration} is for a workload that runs executions to completion; " +
                        $"a {workload.Kind}'s demand has no duration");
            }
            if (workload is IQueueWorkload)
            {
                foreach (var step in trace.Workloads[name].Where(s => s.Demand != Math.Floor(s.Demand)))
                    problems.Add($"{workload.Label} at {step.Seconds} s: demand = {step.Demand.ToString(CultureInfo.InvariantCulture)} is not a whole number of in-flight invocations");
            }
        }
        if (problems.Count > 0) throw new TraceException(problems);
    }

    /// <summary>Multinode's own rule, worker count per second (DESIGN section 1): the kind's rule for a kind that
    /// scales with load; otherwise demand is the run that should be going (see PlannedDemand), one worker while it is.</summary>
    public static int[] Ideal(Workload workload, double[] demand) =>
        workload is IScalesWithLoad scaled ? scaled.Ideal(demand) : [.. demand.Select(d => d > 0 ? 1 : 0)];

    /// <summary>The per-second record of one workload before it is cut to the simulated length.</summary>
    private sealed record Trajectory(WorkloadPlan Plan, ITarget Target, Signals Signals, int[] Ideal, PlatformModel Model)
    {
        public int LastChange
        {
            get
            {
                var last = 0;
                for (var t = 1; t < Signals.Length; t++)
                {
                    if (Changed(t)) last = t;
                }
                return last;
            }
        }

        private bool Changed(int t)
        {
            var s = Signals;
            return s.Demand[t] != s.Demand[t - 1] || Ideal[t] != Ideal[t - 1] || s.Desired[t] != s.Desired[t - 1] ||
                s.Ready[t] != s.Ready[t - 1] || s.Launched[t] != s.Launched[t - 1] || s.Busy[t] != s.Busy[t - 1] ||
                s.Waiting[t] != s.Waiting[t - 1];
        }

        public WorkloadSimulation Cut(int end)
        {
            var s = Signals;
            var series = new List<SimulationPoint>();
            for (var t = 0; t < end; t++)
            {
                if (t == 0 || t == end - 1 || Changed(t))
                    series.Add(new SimulationPoint(t, s.Demand[t], Ideal[t], s.Desired[t], s.Ready[t], s.Launched[t] - s.Ready[t], s.Busy[t], s.Waiting[t]));
            }
            long running = 0, ideal = 0, launched = 0;
            int above = 0, below = 0;
            double wait = 0;
            for (var t = 0; t < end; t++)
            {
                running += s.Ready[t];
                launched += s.Launched[t];
                ideal += Ideal[t];
                above = Math.Max(above, s.Ready[t] - Ideal[t]);
                below = Math.Max(below, Ideal[t] - s.Ready[t]);
                wait += s.Unserved[t];
            }
            var price = Plan.Summary.WorkerHourlyCost;
            decimal? Cost(long workerSeconds) => price is { } p ? decimal.Round(workerSeconds * p / 3600m, 4) : null;
            var summary = new SimulationSummary(running, ideal, above, below, Math.Round(wait, 3), Cost(running), Cost(ideal),
                launched, Cost(launched), s.Jobs is { } q ? Executions(q) : null);
            return new WorkloadSimulation(Plan.Workload.Name, Plan.Workload.Kind, Target, series, summary, Deviations(end));
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
            var s = Signals;
            var stretches = new List<(int From, int To, int Sign)>();
            for (var t = 0; t < end;)
            {
                var sign = Math.Sign(s.Ready[t] - Ideal[t]);
                var from = t;
                while (t < end && Math.Sign(s.Ready[t] - Ideal[t]) == sign) t++;
                if (sign != 0) stretches.Add((from, t, sign));
            }
            static string Num(double v) => Values.Numbers.Short(v, 2);
            return [.. stretches
                .OrderByDescending(x => (x.To - x.From) * Enumerable.Range(x.From, x.To - x.From).Max(t => Math.Abs(s.Ready[t] - Ideal[t])))
                .Take(6)
                .OrderBy(x => x.From)
                .Select(x =>
                {
                    var gap = Enumerable.Range(x.From, x.To - x.From).Max(t => Math.Abs(s.Ready[t] - Ideal[t]));
                    var head = $"running stayed {(x.Sign < 0 ? "below" : "above")} ideal for {x.To - x.From} s from {x.From} s " +
                        $"(by up to {gap}; demand {Num(s.Demand[x.From])}, ideal {Ideal[x.From]}, running {s.Ready[x.From]})";
                    var decisions = Model.Decisions.Where(d => d.Seconds >= x.From && d.Seconds <= x.To).ToList();
                    if (x.Sign > 0)
                    {
                        var lower = decisions.FirstOrDefault(d => d.To < d.From);
                        return lower is null
                            ? $"{head}: {Model.ScaleInDelay}."
                            : $"{head}: {lower.Mechanism} lowered desired to {lower.To} at {lower.Seconds} s.";
                    }
                    var first = decisions.FirstOrDefault(d => d.To > d.From);
                    var reach = decisions.FirstOrDefault(d => d.To > d.From && d.To >= Ideal[Math.Min(d.Seconds, end - 1)]) ?? decisions.LastOrDefault(d => d.To > d.From);
                    if (first is null || reach is null)
                        return $"{head}: the platform asked for at most {Enumerable.Range(x.From, x.To - x.From).Max(t => s.Desired[t])} workers meanwhile ({Model.ScaleOutDelay}).";
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
        return new Trajectory(plan, target, signals, Ideal(w, demand), model);
    }
}
