using System.CommandLine;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;
using Spectre.Console;

namespace Multinode.Infra.Cli;

/// <summary>The `multinode` command: offline, no credentials. Exit 0 when valid, 1 for invalid programs,
/// 2 for usage errors and unreadable files, 3 for a fault of the CLI itself (a bug: never a stack trace).</summary>
public static class Cli
{
    public const int Ok = 0, Invalid = 1, Usage = 2, Internal = 3;

    /// <summary>Runs the command <paramref name="args"/> name; every program is read as <paramref name="kinds"/> has
    /// it (its kinds and the targets that map them).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, KindRegistry kinds)
    {
        // The product's one version (Directory.Build.props), not the entry assembly's: the same in-process and as a tool.
        if (args is ["--version"])
        {
            stdout.WriteLine(Schema.PackageSchema.Version);
            return Ok;
        }
        var root = new RootCommand("Multinode.Infra: plan and check Multinode workloads offline.");
        var path = new Argument<string>("PATH")
        {
            Description = "A Pulumi program (YAML, or runtime: nodejs, which is run): a Pulumi.yaml or a folder holding one.",
        };
        var stack = new Option<string?>("--stack", "-s") { Description = "Also read config from Pulumi.<stack>.yaml beside the program." };
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "markdown");

        var validate = new Command("validate", "Check every multinode resource and the multinode config; print every problem.") { path, stack };
        validate.SetAction(parse => Guard(stderr, () => Validate(parse.GetValue(path)!, parse.GetValue(stack), kinds, stdout, stderr)));
        var plan = new Command("plan", "Print each workload with its resolved settings and planned child resources.") { path, stack, format };
        plan.SetAction(parse => Guard(stderr, () => PrintPlan(parse.GetValue(path)!, parse.GetValue(stack), parse.GetValue(format)!, kinds, stdout, stderr)));
        var basePath = new Argument<string>("BASE") { Description = "The program before the change: a path, or git:REV:path." };
        var headPath = new Argument<string>("HEAD") { Description = "The program after the change: a path, or git:REV:path." };
        var diffFormat = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "markdown" };
        diffFormat.AcceptOnlyFromAmong("markdown", "text", "json");
        var load = SimulateCommand.LoadOption("Also replay this load trace against both sides and show simulated worker time, wait and cost.");
        var loadParameters = SimulateCommand.ParameterOptions();
        var diff = new Command("diff", "Compare two versions of a program: settings, child resources, cost and quota use, as a PR comment.")
        {
            basePath, headPath, stack, diffFormat, load,
        };
        foreach (var (_, option) in loadParameters) diff.Options.Add(option);
        diff.SetAction(parse => Guard(stderr, () => Diff(parse.GetValue(basePath)!, parse.GetValue(headPath)!, parse.GetValue(stack), kinds,
            parse.GetValue(diffFormat)!, parse.GetValue(load), SimulateCommand.Parameters(parse, loadParameters), stdout, stderr)));
        var schema = SchemaCommand.Create(stdout, stderr, kinds);
        root.Subcommands.Add(validate);
        root.Subcommands.Add(plan);
        root.Subcommands.Add(diff);
        root.Subcommands.Add(schema);
        root.Subcommands.Add(SimulateCommand.Create(path, stack, kinds, stdout, stderr, Guard));
        root.Subcommands.Add(InvokeCommand.Create(stdout, stderr));

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run 'multinode --help' for usage.");
            return Usage;
        }
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    internal static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ProgramLoadException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return e.InvalidProgram ? Invalid : Usage;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not the user's mistake: say so in one line; the stack trace helps only a developer.
            stderr.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine("This is a bug in multinode, not in your program; please report it with the program that caused it.");
            return Internal;
        }
    }

    /// <summary>Plans a loaded program; the YAML's own problems come first, then the core's, all at once.</summary>
    /// <summary>The loader's own problems (places, limits) and the planner's, all at once.</summary>
    internal static Result<Plan> Plan(LoadedProgram loaded, KindRegistry kinds, Plan? earlier = null, LoadedProgram? earlierLoaded = null)
    {
        var result = earlier is not null && earlierLoaded is not null
            ? Planner.Plan(loaded.Program, earlierLoaded.Program, earlier, kinds)
            : Planner.Plan(loaded.Program, kinds);
        return loaded.Problems.Count == 0 ? result
            : Result<Plan>.Fail([.. loaded.Problems, .. result.Failures]);
    }

    private static int Validate(string path, string? stack, KindRegistry kinds, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ProgramLoader.Load(path, stack, kinds);
        var result = Plan(loaded, kinds);
        if (!result.IsValid) return PrintFailures(result.Failures, loaded, stderr);
        PrintWarnings(result.Value!, stderr);
        stdout.WriteLine($"{loaded.File}: {loaded.Program.Resources.Count} workload(s) and the multinode config are valid.");
        return Ok;
    }

    private static int PrintPlan(string path, string? stack, string format, KindRegistry kinds, TextWriter stdout, TextWriter stderr)
    {
        var loaded = ProgramLoader.Load(path, stack, kinds);
        var result = Plan(loaded, kinds);
        if (!result.IsValid) return PrintFailures(result.Failures, loaded, stderr);
        var plan = result.Value!;
        PrintWarnings(plan, stderr);
        switch (format)
        {
            case "json": WriteJson(plan, stdout); break;
            case "markdown": PlanPrinter.Markdown(stdout, plan); break;
            default: PlanPrinter.WriteText(plan, Console(stdout)); break;
        }
        return Ok;
    }

    private static int Diff(string basePath, string headPath, string? stack, KindRegistry kinds, string format, string? trace, Simulation.PlatformParameters parameters,
        TextWriter stdout, TextWriter stderr)
    {
        // The head is read on another core while the base is read and planned; a base that cannot be read is
        // still the error reported, as when the two were read one after the other.
        var headLoading = Task.Run(() => ProgramLoader.Load(headPath, stack, kinds));
        var baseLoaded = ProgramLoader.Load(basePath, stack, kinds);
        var before = Plan(baseLoaded, kinds);
        var headLoaded = headLoading.GetAwaiter().GetResult();
        // The head's unchanged workloads take the base's plans: each is planned once.
        var after = before.IsValid ? Plan(headLoaded, kinds, before.Value!, baseLoaded) : Plan(headLoaded, kinds);
        if (!before.IsValid || !after.IsValid)
        {
            if (!before.IsValid) PrintFailures(before.Failures, baseLoaded, stderr);
            if (!after.IsValid) PrintFailures(after.Failures, headLoaded, stderr);
            return Invalid;
        }
        var result = PlanDiff.Compute(before.Value!, after.Value!);
        LoadComparison? simulated = null;
        if (trace is not null)
        {
            try
            {
                simulated = LoadComparison.Run(before.Value!, after.Value!, SimulateCommand.ReadTrace(trace), Path.GetFileName(trace), parameters);
            }
            catch (Simulation.TraceException e)
            {
                return SimulateCommand.PrintTraceProblems(e, trace, stderr);
            }
        }
        switch (format)
        {
            case "json": DiffPrinter.Json(stdout, result, simulated); break;
            case "text": DiffPrinter.Text(stdout, result, basePath, headPath, simulated); break;
            default: stdout.Write(DiffPrinter.Markdown(result, basePath, headPath, simulated)); break;
        }
        return Ok;
    }

    /// <summary>To the process's standard output the plan goes as the writer's UTF-8 bytes, without the round trip
    /// through text that a <see cref="TextWriter"/> takes (megabytes for a large plan); to any other writer as text.</summary>
    private static void WriteJson(Plan plan, TextWriter stdout)
    {
        if (!ReferenceEquals(stdout, System.Console.Out) || stdout.Encoding.CodePage != System.Text.Encoding.UTF8.CodePage)
        {
            PlanJson.Write(plan, stdout);
            return;
        }
        stdout.Flush();
        using var bytes = System.Console.OpenStandardOutput();
        PlanJson.Write(plan, bytes);
    }

    /// <summary>Warnings go to stderr as well as into the plan, so that piped JSON or Markdown stays clean.</summary>
    private static void PrintWarnings(Plan plan, TextWriter stderr)
    {
        foreach (var warning in plan.Warnings) stderr.WriteLine($"warning: {warning}");
    }

    /// <summary>Every problem, each led by the file and line where its property is written when the YAML shows it.</summary>
    public static int PrintFailures(IReadOnlyList<ValidationFailure> failures, LoadedProgram loaded, TextWriter stderr)
    {
        foreach (var failure in failures)
            stderr.WriteLine(loaded.Place(failure) is { } place ? $"{place}: {failure}" : failure.ToString());
        stderr.WriteLine($"{loaded.File}: {failures.Count} problem{(failures.Count == 1 ? "" : "s")} found; nothing was planned.");
        return Invalid;
    }

    /// <summary>Colour only for a terminal, and never when NO_COLOR is set to anything but "" (https://no-color.org).</summary>
    internal static AnsiConsoleSettings ConsoleSettings(TextWriter writer, bool redirected, string? noColor)
    {
        var plain = redirected || !string.IsNullOrEmpty(noColor);
        return new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        };
    }

    internal static IAnsiConsole Console(TextWriter writer)
    {
        var redirected = !ReferenceEquals(writer, System.Console.Out) || System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(ConsoleSettings(writer, redirected, Environment.GetEnvironmentVariable("NO_COLOR")));
        // Logs and files have no terminal width; 80 columns would wrap resource types mid-token.
        if (redirected) console.Profile.Width = 160;
        return console;
    }
}
