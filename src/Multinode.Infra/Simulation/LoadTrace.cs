using System.Globalization;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Simulation;

/// <summary>One step of a load trace: from <see cref="Seconds"/> on, the workload's demand is <see cref="Demand"/>; with a
/// <see cref="Duration"/> (a Job's line), <see cref="Demand"/> executions of that many seconds are enqueued then.</summary>
public sealed record TraceStep(int Seconds, double Demand, int? Duration = null);

/// <summary>Where a step was read: its line and the column of each field (1-based; a column counts characters).</summary>
public sealed record TracePlace(int Line, int SecondsColumn, int WorkloadColumn, int DemandColumn, int DurationColumn);

/// <summary>One problem of a trace, at the line and column it concerns.</summary>
public sealed record TraceProblem(int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message}";
}

/// <summary>
/// A load trace: per workload, demand as a step function of time (in-flight invocations for a Function, executions
/// waiting or running for a Job, CPU cores of work for a Service). Read from CSV with the header
/// <c>seconds,workload,demand</c> or <c>seconds,workload,demand,duration</c>; before a workload's first step its
/// demand is 0. A line with a duration enqueues executions of a run-to-completion workload (docs/simulation.md).
/// </summary>
public sealed record LoadTrace(IReadOnlyDictionary<string, IReadOnlyList<TraceStep>> Workloads)
{
    public const string Header = "seconds,workload,demand";

    /// <summary>The header with the optional fourth column.</summary>
    public const string HeaderWithDuration = "seconds,workload,demand,duration";

    /// <summary>The longest trace this simulator accepts (one week), so a typo cannot ask for years of seconds.</summary>
    public const int MaxSeconds = 7 * 86400;

    /// <summary>The lines that could not be read (syntax), kept so that <see cref="ProblemsWith"/> reports them with
    /// the problems the program finds, in one pass.</summary>
    public IReadOnlyList<TraceProblem> Unreadable { get; init; } = [];

    /// <summary>Where each step (workload, seconds) was read.</summary>
    public IReadOnlyDictionary<(string Workload, int Seconds), TracePlace> Places { get; init; } =
        new Dictionary<(string, int), TracePlace>();

    /// <summary>The last second at which any workload's demand changes.</summary>
    public int LastChange => Workloads.Values.SelectMany(s => s).Select(s => s.Seconds).DefaultIfEmpty(0).Max();

    /// <summary>Demand of <paramref name="workload"/> at every second of [0, <paramref name="length"/>).</summary>
    public double[] DemandOf(string workload, int length)
    {
        var demand = new double[length];
        if (!Workloads.TryGetValue(workload, out var steps)) return demand;
        for (var i = 0; i < steps.Count; i++)
        {
            var end = i + 1 < steps.Count ? Math.Min(length, steps[i + 1].Seconds) : length;
            for (var t = steps[i].Seconds; t < end; t++) demand[t] = steps[i].Demand;
        }
        return demand;
    }

    /// <summary>The executions a run-to-completion workload's lines enqueue: a line with a duration enqueues demand
    /// executions of that many seconds; a line without one enqueues the rise of the level over the previous such line,
    /// each running <paramref name="defaultDuration"/> seconds (a drop enqueues nothing: executions end by their
    /// length, never by the trace).</summary>
    public IReadOnlyList<(int Seconds, int Count, int Duration)> ExecutionsOf(string workload, int defaultDuration)
    {
        var result = new List<(int, int, int)>();
        if (!Workloads.TryGetValue(workload, out var steps)) return result;
        var level = 0;
        foreach (var s in steps)
        {
            var count = (int)s.Demand;
            if (s.Duration is { } d) result.Add((s.Seconds, count, d));
            else
            {
                if (count > level) result.Add((s.Seconds, count - level, defaultDuration));
                level = count;
            }
        }
        return result;
    }

    /// <summary>The last second at which a workload's executions can still be running, when every one starts at once.</summary>
    public int LastExecutionEnd(string workload, int defaultDuration) =>
        Workloads.TryGetValue(workload, out var steps) ? steps.Select(s => s.Seconds + (s.Duration ?? defaultDuration)).DefaultIfEmpty(0).Max() : 0;

    /// <summary>The steps of the workloads <paramref name="plan"/> has (a diff's two sides may differ in workloads).</summary>
    public LoadTrace Only(Planning.Plan plan) => new(Workloads
        .Where(w => plan.Workloads.Any(p => p.Workload.Name == w.Key))
        .ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal)) { Unreadable = Unreadable, Places = Places };

    /// <summary>Every problem of this trace against <paramref name="plan"/>, in one pass and in line order: the lines
    /// that could not be read, workloads the program does not have, workloads that take no trace, durations on a
    /// workload that runs no executions and fractional in-flight invocations, each at its line and column.</summary>
    public IReadOnlyList<TraceProblem> ProblemsWith(Planning.Plan plan)
    {
        var problems = new List<TraceProblem>(Unreadable);
        var names = plan.Workloads.Select(w => w.Workload.Name).ToList();
        foreach (var (name, steps) in Workloads)
        {
            var places = steps
                .Select(s => Places.TryGetValue((name, s.Seconds), out var p) ? p : new TracePlace(1, 1, 1, 1, 1))
                .ToList();
            var first = places.MinBy(p => p.Line)!;
            var workload = plan.Workloads.FirstOrDefault(w => w.Workload.Name == name)?.Workload;
            if (workload is null)
                problems.Add(new(first.Line, first.WorkloadColumn, $"workload \"{name}\" in the trace is not in the " +
                    $"program (its workloads: {string.Join(", ", names)})"));
            else if (workload is not IScalesWithLoad)
                problems.Add(new(first.Line, first.WorkloadColumn,
                    $"{workload.Label} takes no load trace: a {workload.Kind} is simulated " +
                    $"{(workload is IRunsOnSchedule ? "from its planned schedule" : "as its one process")}; remove its lines"));
            else
            {
                for (var i = 0; i < steps.Count; i++)
                {
                    var step = steps[i];
                    if (step.Duration is not null && workload is not IRunsToCompletion)
                        problems.Add(new(places[i].Line, places[i].DurationColumn,
                            $"{workload.Label} at {step.Seconds} s: duration = {step.Duration} is for a workload that runs " +
                            $"executions to completion; a {workload.Kind}'s demand has no duration"));
                    if (workload is IQueueWorkload && step.Demand != Math.Floor(step.Demand))
                        problems.Add(new(places[i].Line, places[i].DemandColumn,
                            $"{workload.Label} at {step.Seconds} s: demand = " +
                            $"{step.Demand.ToString(CultureInfo.InvariantCulture)} is not a whole number of in-flight invocations"));
                }
            }
        }
        return [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column)];
    }

    /// <summary>Parses CSV text; every problem is reported with its line and column, all at once.</summary>
    public static LoadTrace Parse(string text)
    {
        var trace = Read(text);
        return trace.Unreadable.Count > 0 ? throw new TraceException(trace.Unreadable) : trace;
    }

    /// <summary>Reads CSV text, keeping every line it cannot read in <see cref="Unreadable"/> (with its line and
    /// column) instead of stopping, so that a caller can report them with the program's problems.</summary>
    public static LoadTrace Read(string text)
    {
        var errors = new List<TraceProblem>();
        var places = new Dictionary<(string, int), TracePlace>();
        var steps = new SortedDictionary<string, SortedDictionary<int, (double Demand, int? Duration)>>(StringComparer.Ordinal);
        var columns = 3;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var headerSeen = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var number = i + 1;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(',');
            if (!headerSeen)
            {
                headerSeen = true;
                var header = string.Join(",", fields.Select(f => f.Trim()));
                if (header == HeaderWithDuration) columns = 4;
                else if (header != Header)
                    errors.Add(new(number, 1, $"the header must be \"{Header}\" or \"{HeaderWithDuration}\", found \"{line}\""));
                continue;
            }
            if (fields.Length != 3 && fields.Length != columns)
            {
                errors.Add(new(number, 1, $"expected {(columns == 4 ? "3 or 4 fields (seconds,workload,demand[,duration])" : "3 fields (seconds,workload,demand)")}, found {fields.Length}"));
                continue;
            }
            var columnOf = new int[fields.Length];
            for (int c = 1, at = 0; c < fields.Length; c++)
            {
                at = lines[i].IndexOf(',', at) + 1;
                columnOf[c] = at + 1;
            }
            columnOf[0] = 1;
            var secondsText = fields[0].Trim();
            var name = fields[1].Trim();
            var demandText = fields[2].Trim();
            var durationText = fields.Length == 4 ? fields[3].Trim() : "";
            var ok = true;
            if (!int.TryParse(secondsText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxSeconds)
            {
                errors.Add(new(number, columnOf[0], $"seconds = \"{secondsText}\" is not a whole number of seconds from 0 to {MaxSeconds}"));
                ok = false;
            }
            if (name.Length == 0)
            {
                errors.Add(new(number, columnOf[1], "workload is empty; name a workload of the program"));
                ok = false;
            }
            if (!double.TryParse(demandText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var demand) || !double.IsFinite(demand))
            {
                errors.Add(new(number, columnOf[2], $"demand = \"{demandText}\" is not a number ≥ 0"));
                ok = false;
            }
            int? duration = null;
            if (durationText.Length > 0)
            {
                if (int.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= MaxSeconds) duration = d;
                else
                {
                    errors.Add(new(number, columnOf[3], $"duration = \"{durationText}\" is not a whole number of seconds from 1 to {MaxSeconds}"));
                    ok = false;
                }
            }
            if (!ok) continue;
            var forWorkload = steps.TryGetValue(name, out var s) ? s : steps[name] = new SortedDictionary<int, (double Demand, int? Duration)>();
            if (!forWorkload.TryAdd(seconds, (demand, duration)))
                errors.Add(new(number, columnOf[0], $"workload \"{name}\" already has a step at {seconds} s"));
            else
                places[(name, seconds)] = new TracePlace(number, columnOf[0], columnOf[1], columnOf[2], fields.Length == 4 ? columnOf[3] : columnOf[2]);
        }
        if (!headerSeen) errors.Add(new(1, 1, $"the trace is empty; it needs the header \"{Header}\" and at least one step"));
        return new LoadTrace(steps.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<TraceStep>)[.. kv.Value.Select(p => new TraceStep(p.Key, p.Value.Demand, p.Value.Duration))],
            StringComparer.Ordinal)) { Unreadable = errors, Places = places };
    }
}

/// <summary>A trace that cannot be read or does not fit the program; <see cref="Problems"/> name line and column.</summary>
public sealed class TraceException(IReadOnlyList<TraceProblem> details) : Exception(string.Join("\n", details))
{
    /// <summary>Each problem as "line L, column C: message".</summary>
    public IReadOnlyList<string> Problems { get; } = [.. details.Select(d => d.ToString())];

    /// <summary>Each problem with its line and column apart, for printing as <c>file:line:column</c>.</summary>
    public IReadOnlyList<TraceProblem> Details { get; } = details;
}
