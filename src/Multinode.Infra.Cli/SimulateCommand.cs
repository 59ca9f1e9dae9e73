using System.CommandLine;
using Multinode.Infra.Simulation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Cli;

/// <summary>`multinode simulate PATH --load TRACE`: replays a load trace against the planned autoscaling.</summary>
public static class SimulateCommand
{
    /// <summary>The platform parameters as options, one per <see cref="PlatformParameters.All"/> entry.</summary>
    public static IReadOnlyList<(PlatformParameter Parameter, Option<double?> Option)> ParameterOptions() =>
        [.. PlatformParameters.All.Select(p => (p, new Option<double?>("--" + p.Flag)
        {
            Description = $"{char.ToUpperInvariant(p.Description[0])}{p.Description[1..]} (default {Numbers.Exact(p.Get(PlatformParameters.Default))}).",
        }))];

    /// <summary>The defaults with the flags given; a value out of range is a usage error naming the flag and the range.</summary>
    public static PlatformParameters Parameters(ParseResult parse, IReadOnlyList<(PlatformParameter Parameter, Option<double?> Option)> options)
    {
        var problems = options
            .Select(o => parse.GetValue(o.Option) is { } v ? o.Parameter.Check(v) : null)
            .OfType<string>().ToList();
        if (problems.Count > 0) throw new ProgramLoadException(string.Join("\nerror: ", problems));
        return options.Aggregate(PlatformParameters.Default, (p, o) => parse.GetValue(o.Option) is { } v ? o.Parameter.With(p, v) : p);
    }

    /// <summary>The longest simulation `--seconds` may ask for: the longest trace plus two days to settle.</summary>
    public const int MaxSeconds = LoadTrace.MaxSeconds + 2 * 86400;

    public static Option<string?> LoadOption(string description) => new("--load") { Description = description };

    public static Command Create(Argument<string> path, Option<string?> stack, KindRegistry kinds, TextWriter stdout, TextWriter stderr,
        Func<TextWriter, Func<int>, int> guard)
    {
        var load = LoadOption("CSV trace with the header seconds,workload,demand (docs/simulation.md).");
        load.Required = true;
        var target = new Option<string?>("--target") { Description = "Simulate on this target instead of the program's multinode:target." };
        target.AcceptOnlyFromAmong([.. kinds.Targets.Select(t => t.Name)]);
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "markdown");
        var plot = new Option<string?>("--plot")
        {
            Description = $"Also draw demand, ideal, desired and running over time into FILE.png or FILE.svg ({SimulationPlot.PanelsPerPage} workloads a file; FILE-2.png, … for more).",
        };
        var seconds = new Option<int?>("--seconds") { Description = "Simulate exactly this many seconds (default: until 60 s after the last change)." };
        var start = new Option<string?>("--start")
        {
            Description = $"The UTC instant second 0 stands for, where schedules are counted from (default {Simulator.Start:yyyy-MM-ddTHH:mm:ssZ}).",
        };
        var workload = new Option<string[]>("--workload")
        {
            Description = "Show only this workload (repeatable); the others are still simulated as planned.",
            AllowMultipleArgumentsPerToken = false,
        };
        var parameters = ParameterOptions();
        var command = new Command("simulate", "Replay a load trace against each workload's planned autoscaling: workers, wait, cost and a plot.")
        {
            path, stack, load, target, format, plot, seconds, start, workload,
        };
        foreach (var (_, option) in parameters) command.Options.Add(option);
        seconds.Validators.Add(r =>
        {
            if (r.GetValue(seconds) is { } n and (< 1 or > MaxSeconds)) r.AddError($"--seconds = {n} is outside 1..{MaxSeconds}");
        });
        start.Validators.Add(r =>
        {
            if (r.GetValue(start) is { } text && StartOf(text) is null)
                r.AddError($"--start = \"{text}\" is not a UTC date and time such as 2026-03-28T00:00:00Z");
        });
        command.SetAction(parse => guard(stderr, () => Run(parse.GetValue(path)!, parse.GetValue(stack), kinds, parse.GetValue(load)!, parse.GetValue(target),
            parse.GetValue(format)!, parse.GetValue(plot), parse.GetValue(seconds),
            Parameters(parse, parameters) with { Start = parse.GetValue(start) is { } text ? StartOf(text)!.Value : Simulator.Start },
            parse.GetValue(workload) ?? [], stdout, stderr)));
        return command;
    }

    /// <summary>An ISO 8601 instant in UTC (<c>2026-03-28T00:00:00Z</c>); null when it is not one.</summary>
    public static DateTimeOffset? StartOf(string text) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd"],
            System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>Reads a trace file; its problems print with the file name, line and column.</summary>
    public static LoadTrace ReadTrace(string file)
    {
        if (!File.Exists(file)) throw new ProgramLoadException($"{file}: no such load trace");
        // Lines it cannot read are reported with the program's problems, in one pass (Simulator.Run).
        return LoadTrace.Read(File.ReadAllText(file));
    }

    public static int PrintTraceProblems(TraceException e, string file, TextWriter stderr)
    {
        foreach (var problem in e.Details) stderr.WriteLine($"{file}:{problem.Line}:{problem.Column}: {problem.Message}");
        stderr.WriteLine($"{file}: {e.Problems.Count} problem{(e.Problems.Count == 1 ? "" : "s")} found; nothing was simulated.");
        return Cli.Invalid;
    }

    /// <summary>A file as a Markdown link from the current folder (where the Markdown is written and read): relative,
    /// with forward slashes and spaces escaped, never this machine's absolute path.</summary>
    internal static string RelativeLink(string file) =>
        Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(file))
            .Replace('\\', '/').Replace(" ", "%20", StringComparison.Ordinal);

    private static int Run(string path, string? stack, KindRegistry kinds, string traceFile, string? target, string format, string? plotFile, int? seconds,
        PlatformParameters parameters, IReadOnlyList<string> shown, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ProgramLoader.Load(path, stack, kinds);
        if (target is not null)
        {
            var program = loaded.Program;
            loaded = loaded with { Program = program with { Config = new PropertyMap(program.Config.Where(c => c.Key != "target").Append(KeyValuePair.Create("target", (PropertyValue)target))) } };
        }
        var result = Cli.Plan(loaded, kinds);
        if (!result.IsValid) return Cli.PrintFailures(result.Failures, loaded, stderr);
        SimulationResult simulation;
        try
        {
            simulation = Simulator.Run(result.Value!, ReadTrace(traceFile), parameters, seconds);
        }
        catch (TraceException e)
        {
            return PrintTraceProblems(e, traceFile, stderr);
        }
        if (shown.Count > 0)
        {
            var names = simulation.Workloads.Select(w => w.Name).ToList();
            var unknown = shown.Where(n => !names.Contains(n, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                foreach (var n in unknown)
                    stderr.WriteLine($"error: --workload {n}: no such workload in the simulation (its workloads: {string.Join(", ", names)})");
                return Cli.Usage;
            }
            simulation = simulation with { Workloads = [.. simulation.Workloads.Where(w => shown.Contains(w.Name, StringComparer.Ordinal))] };
        }
        IReadOnlyList<string> plotFiles = [];
        if (plotFile is not null)
        {
            try
            {
                plotFiles = SimulationPlot.Save(simulation, plotFile);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return Cli.Usage;
            }
            catch (Exception e) when (SimulationPlot.MissingNativeLibrary(e))
            {
                // The Native AOT executable copied without its folder: everything but the plot works.
                File.Delete(plotFile); // created empty before SkiaSharp failed
                stderr.WriteLine($"error: --plot needs SkiaSharp's native libraries (libSkiaSharp, libHarfBuzzSharp) beside {Environment.ProcessPath}: " +
                    "copy the whole publish folder, or drop --plot");
                return Cli.Usage;
            }
        }
        var traceName = Path.GetFileName(traceFile);
        switch (format)
        {
            case "json": stdout.Write(SimulationPrinter.Json(simulation)); break;
            // Linked by a path relative to the folder the command runs in, where the Markdown is written.
            case "markdown":
                stdout.Write(SimulationPrinter.Markdown(simulation, traceName, [.. plotFiles.Select(RelativeLink)]));
                break;
            default: SimulationPrinter.WriteText(simulation, traceName, Cli.Console(stdout)); break;
        }
        return Cli.Ok;
    }
}
