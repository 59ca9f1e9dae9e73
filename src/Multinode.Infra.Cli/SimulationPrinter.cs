using System.Globalization;
using System.Text;
using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Simulation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using Spectre.Console;

namespace Multinode.Infra.Cli;

/// <summary>Renders a simulation: JSON (the shape docs/simulation.md documents), text tables, or Markdown.</summary>
public static class SimulationPrinter
{
    /// <summary>Series rows shown in text and Markdown; JSON always has all of them.</summary>
    public const int MaxRows = 40;

    private static string N(double v) => Numbers.Short(v);

    public static string Hours(long workerSeconds) => Numbers.Fixed(workerSeconds / 3600.0) + " worker-h";

    public static string Money(decimal? amount) => amount is { } a ? Numbers.Dollars(a) : "n/a";

    /// <summary>Wait in the unit of the workload's demand.</summary>
    public static string Wait(WorkloadKind kind, double wait) =>
        kind.Has<ILoadBalanced>() ? $"{N(wait)} core-s" : $"{N(wait)} invocation-s";

    private static string Title(WorkloadSimulation w) => $"{w.Kind} \"{w.Name}\" on {Target(w)}";

    private static string Target(WorkloadSimulation w) => w.Target.Name;

    /// <summary>Summary rows: label, simulated, ideal.</summary>
    public static IEnumerable<(string Label, string Simulated, string Ideal)> SummaryRows(WorkloadSimulation w)
    {
        var s = w.Summary;
        yield return ("worker time", $"{s.WorkerSeconds} worker-s ({Hours(s.WorkerSeconds)})", $"{s.IdealWorkerSeconds} worker-s ({Hours(s.IdealWorkerSeconds)})");
        yield return ("cost", Money(s.Cost), Money(s.IdealCost));
        yield return ("cost with boot (from launch)", Money(s.CostWithBoot), Money(s.IdealCost));
        yield return ("wait (demand no running worker served)", Wait(w.Kind, s.WaitSeconds), Wait(w.Kind, 0));
        yield return ("most workers above ideal", s.MaxAboveIdeal.ToString(CultureInfo.InvariantCulture), "0");
        yield return ("most workers below ideal", s.MaxBelowIdeal.ToString(CultureInfo.InvariantCulture), "0");
        if (s.Executions is { } e)
        {
            yield return ("executions enqueued / completed / lost", $"{e.Enqueued} / {e.Completed} / {e.Lost}", $"{e.Enqueued} / {e.Enqueued} / 0");
            yield return ("execution wait p50 / p95 / max", $"{e.WaitP50} / {e.WaitP95} / {e.WaitMax} s", "");
        }
    }

    public static string Json(SimulationResult simulation) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("seconds", simulation.Seconds);
        w.WriteStartObject("parameters");
        w.WriteString("start", simulation.Parameters.Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        foreach (var p in PlatformParameters.All) w.WriteNumber(p.Flag, p.Get(simulation.Parameters));
        w.WriteEndObject();
        w.WriteStartArray("workloads");
        foreach (var workload in simulation.Workloads)
        {
            w.WriteStartObject();
            w.WriteString("name", workload.Name);
            w.WriteString("kind", workload.Kind.ToString());
            w.WriteString("target", Target(workload));
            w.WriteStartArray("series");
            foreach (var p in workload.Series)
            {
                w.WriteStartObject();
                w.WriteNumber("seconds", p.Seconds);
                w.WriteNumber("demand", p.Demand);
                w.WriteNumber("ideal", p.Ideal);
                w.WriteNumber("desired", p.Desired);
                w.WriteNumber("running", p.Running);
                w.WriteNumber("booting", p.Booting);
                w.WriteNumber("busy", p.Busy);
                w.WriteNumber("waiting", p.Waiting);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteSummary(w, "summary", workload.Summary);
            w.WriteStartArray("explanations");
            foreach (var d in workload.Deviations) w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteStartArray("removals");
            foreach (var r in workload.Removals)
            {
                w.WriteStartObject();
                w.WriteNumber("seconds", r.Seconds);
                w.WriteNumber("idleSeconds", r.IdleSeconds);
                w.WriteString("by", r.ByGroup ? "platform" : "worker");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteSummary(Utf8JsonWriter w, string name, SimulationSummary? s)
    {
        if (s is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteNumber("workerSeconds", s.WorkerSeconds);
        w.WriteNumber("idealWorkerSeconds", s.IdealWorkerSeconds);
        w.WriteNumber("maxAboveIdeal", s.MaxAboveIdeal);
        w.WriteNumber("maxBelowIdeal", s.MaxBelowIdeal);
        w.WriteNumber("waitSeconds", s.WaitSeconds);
        w.WriteNumber("launchedWorkerSeconds", s.LaunchedWorkerSeconds);
        WriteMoney(w, "cost", s.Cost);
        WriteMoney(w, "costWithBoot", s.CostWithBoot);
        WriteMoney(w, "idealCost", s.IdealCost);
        if (s.Executions is { } e)
        {
            w.WriteStartObject("executions");
            w.WriteNumber("enqueued", e.Enqueued);
            w.WriteNumber("completed", e.Completed);
            w.WriteNumber("lost", e.Lost);
            w.WriteNumber("waitP50", e.WaitP50);
            w.WriteNumber("waitP95", e.WaitP95);
            w.WriteNumber("waitMax", e.WaitMax);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A diff's "simulated": {"before": summary, "after": summary} for one workload the trace names.</summary>
    public static void WriteComparison(Utf8JsonWriter w, LoadComparison load, string workload)
    {
        var (before, after) = load.Summaries(workload);
        if (before is null && after is null) return;
        w.WriteStartObject("simulated");
        WriteSummary(w, "before", before);
        WriteSummary(w, "after", after);
        w.WriteEndObject();
    }

    private static void WriteMoney(Utf8JsonWriter w, string name, decimal? amount)
    {
        if (amount is { } a) w.WriteNumber(name, Numbers.Normalize(a));
        else w.WriteNull(name);
    }

    private static string Header(SimulationResult simulation, string trace) =>
        $"{trace} replayed for {simulation.Seconds} s against the planned autoscaling (target {simulation.Target.Name}); " +
        "running = workers booted and serving, ideal = Multinode's rule per worker. Models and parameters: docs/simulation.md.";

    public static string Markdown(SimulationResult simulation, string trace, IReadOnlyList<string>? plots = null)
    {
        var md = new StringBuilder();
        md.Append("## Multinode simulation\n\n").Append(Header(simulation, trace)).Append("\n\n");
        foreach (var plot in plots ?? []) md.Append("![demand, ideal, desired and running over time](").Append(plot).Append(")\n\n");
        foreach (var w in simulation.Workloads)
        {
            md.Append("### ").Append(w.Kind).Append(" `").Append(w.Name).Append("` on ").Append(Target(w)).Append("\n\n");
            md.Append("| | simulated | ideal |\n| --- | --- | --- |\n");
            foreach (var (label, simulated, ideal) in SummaryRows(w)) md.Append("| ").Append(label).Append(" | ").Append(simulated).Append(" | ").Append(ideal).Append(" |\n");
            md.Append('\n');
            foreach (var d in w.Deviations) md.Append("- ").Append(d).Append('\n');
            if (w.Deviations.Count == 0) md.Append("- running followed the ideal exactly.\n");
            md.Append("\n<details><summary>Series (").Append(w.Series.Count).Append(" changes)</summary>\n\n");
            md.Append("| seconds | demand | ideal | desired | running |\n| ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var p in w.Series.Take(MaxRows))
                md.Append("| ").Append(p.Seconds).Append(" | ").Append(N(p.Demand)).Append(" | ").Append(p.Ideal).Append(" | ").Append(p.Desired).Append(" | ").Append(p.Running).Append(" |\n");
            if (w.Series.Count > MaxRows) md.Append("\n").Append(w.Series.Count - MaxRows).Append(" more rows: `--format json` has them all.\n");
            md.Append("\n</details>\n\n");
        }
        return md.ToString();
    }

    public static void WriteText(SimulationResult simulation, string trace, IAnsiConsole console)
    {
        console.WriteLine(Header(simulation, trace));
        foreach (var w in simulation.Workloads)
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{Markup.Escape(Title(w))}[/]") { Justification = Justify.Left });
            var summary = new Table().AddColumns("", "simulated", "ideal");
            foreach (var (label, simulated, ideal) in SummaryRows(w)) summary.AddRow(Markup.Escape(label), Markup.Escape(simulated), Markup.Escape(ideal));
            console.Write(summary);
            var series = new Table().AddColumns("seconds", "demand", "ideal", "desired", "running");
            foreach (var p in w.Series.Take(MaxRows))
                series.AddRow(p.Seconds.ToString(CultureInfo.InvariantCulture), N(p.Demand), p.Ideal.ToString(CultureInfo.InvariantCulture),
                    p.Desired.ToString(CultureInfo.InvariantCulture), p.Running.ToString(CultureInfo.InvariantCulture));
            console.Write(series);
            if (w.Series.Count > MaxRows) console.WriteLine($"{w.Series.Count - MaxRows} more rows: --format json has them all.");
            foreach (var d in w.Deviations) console.WriteLine("- " + d);
            if (w.Deviations.Count == 0) console.WriteLine("- running followed the ideal exactly.");
        }
    }
}

/// <summary>The simulated worker time, wait and cost of one trace before and after a change, for `multinode diff --load`.</summary>
public sealed record LoadComparison(string Trace, SimulationResult Before, SimulationResult After)
{
    /// <summary>Simulates both plans over the same length (the longer of the two), each with the trace's workloads it has.</summary>
    public static LoadComparison Run(Plan before, Plan after, LoadTrace trace, string traceName, PlatformParameters parameters)
    {
        // Only the traced workloads: a ScheduledTask or Daemon runs the same with or without the trace.
        var b = Simulator.Run(before, trace.Only(before), parameters, tracedOnly: true);
        var a = Simulator.Run(after, trace.Only(after), parameters, tracedOnly: true);
        var seconds = Math.Max(b.Seconds, a.Seconds);
        return new LoadComparison(traceName, Simulator.Run(before, trace.Only(before), parameters, seconds, tracedOnly: true),
            Simulator.Run(after, trace.Only(after), parameters, seconds, tracedOnly: true));
    }

    // By name, once: a diff asks for every workload it shows.
    private readonly Dictionary<string, SimulationSummary?> _before = ByName(Before);
    private readonly Dictionary<string, SimulationSummary?> _after = ByName(After);

    private static Dictionary<string, SimulationSummary?> ByName(SimulationResult s)
    {
        var byName = new Dictionary<string, SimulationSummary?>(StringComparer.Ordinal);
        foreach (var w in s.Workloads) byName.TryAdd(w.Name, w.Summary);
        return byName;
    }

    public (SimulationSummary? Before, SimulationSummary? After) Summaries(string workload) =>
        (_before.GetValueOrDefault(workload), _after.GetValueOrDefault(workload));

    /// <summary>Rows for one workload: label, before, after; none when the trace does not name it.</summary>
    public IReadOnlyList<(string Label, string Before, string After)> Rows(string workload, WorkloadKind kind)
    {
        var (b, a) = Summaries(workload);
        if (b is null && a is null) return [];
        string Or(SimulationSummary? s, Func<SimulationSummary, string> f) => s is null ? "—" : f(s);
        return
        [
            ("simulated worker time", Or(b, s => SimulationPrinter.Hours(s.WorkerSeconds)), Or(a, s => SimulationPrinter.Hours(s.WorkerSeconds))),
            ("simulated wait", Or(b, s => SimulationPrinter.Wait(kind, s.WaitSeconds)), Or(a, s => SimulationPrinter.Wait(kind, s.WaitSeconds))),
            ("simulated cost", Or(b, s => SimulationPrinter.Money(s.Cost)), Or(a, s => SimulationPrinter.Money(s.Cost))),
        ];
    }

    public string Note => $"Simulated: `{Trace}` replayed for {After.Seconds} s against each side's planned autoscaling (docs/simulation.md).";
}
