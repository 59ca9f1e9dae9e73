using System.Text;
using CsCheck;
using Multinode.Infra.Planning;
using Multinode.Infra.Workloads;
using Spectre.Console;

namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// Fuzzes the whole offline path — YAML reader, validation, planning and every printer — with plausible-but-wrong
/// Pulumi YAML programs and with raw mutations of the shipped ones. Each must give a plan or named problems:
/// an exception anywhere is a bug. Seeded, so a run repeats; CsCheck shrinks a failure to a small program.
/// </summary>
public sealed class ProgramFuzzTests
{
    public const int Structured = 3000, Mutated = 3000;

    /// <summary>MULTINODE_FUZZ_SCALE=10 tries ten times as many programs (from further seeds), for a longer hunt.</summary>
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("MULTINODE_FUZZ_SCALE"), out var s) && s > 0 ? s : 1;

    private static readonly string[] Keys =
    [
        "image", "command", "args", "env", "resources", "cpu", "memory", "gpu", "type", "count", "timeoutSeconds", "tags",
        "instanceTypes", "maxWorkers", "spareWorkers", "cooldownPeriod", "maxConcurrency", "minReplicas", "maxReplicas",
        "targetCpuUtilization", "port", "healthCheckPath", "schedule", "timeZone", "x", "fn::secret", "fn::invoke", "secure",
    ];

    private static readonly string[] Scalars =
    [
        "app", "\"\"", "16Gi", "\"16 GiB\"", "0.5Gi", "99999999999999999999Ti", "1e308", "-1e308", "1e400", ".inf", "-.inf", ".nan",
        "0", "-1", "1", "2", "8", "100", "101", "2147483648", "-2147483649", "9223372036854775808", "0x7fffffffffffffff", "0xZZ",
        "0.05", "0.95", "1.5", "true", "false", "~", "null", "t4", "A100-80GB", "h200", "nvidia-tesla-t4", "\"0 3 * * *\"",
        "\"*/5 * * * *\"", "\"0 3 31 2 *\"", "\"@daily\"", "\"0 0 L * *\"", "Europe/Berlin", "US/Eastern", "Mars/Olympus", "UTC",
        "\"${nosuch}\"", "\"${pulumi.stack}\"", "\"${region}\"", "\"${a.b}\"", "\"$${literal}\"", "\"${\"", "\"}\"", "/", "/healthz",
        "\"a|b<script>\"", "\"`tick`\"", "\"line\\nbreak\"", "\"\\u0000\"", "1BAD", "GOOD_NAME", "\"\\uD800\"", "m6i.large", "p5.48xlarge",
    ];

    private static readonly string[] Targets = ["aws", "kubernetes", "gcp", "\"\"", "~", "[aws]", "1"];

    private static readonly Gen<string> Scalar = Gen.OneOf(Gen.OneOf(Scalars),
        Gen.String[0, 12].Select(s => System.Text.Json.JsonSerializer.Serialize(s)));

    /// <summary>A YAML value in flow style: scalars, sequences and mappings of known and unknown keys.</summary>
    private static Gen<string> Value(int depth) => depth == 0 ? Scalar : Gen.Frequency(
        (5, Scalar),
        (2, Gen.Select(Gen.OneOf(Keys), Value(depth - 1), (k, v) => $"{k}: {v}").Array[0, 5].Select(e => "{" + string.Join(", ", e) + "}")),
        (1, Value(depth - 1).Array[0, 4].Select(e => "[" + string.Join(", ", e) + "]")));

    private static readonly Gen<string> Token = Gen.OneOf(
        Gen.OneOf(WorkloadKinds.All.Select(k => k.Token).ToArray()),
        Gen.OneOf("multinode:index:Lambda", "multinode:index:function", "multinode:", "aws:s3:Bucket", "multinode:index:Service:x"));

    private static readonly Gen<string> Name = Gen.OneOf(Gen.OneOf("square", "api", "api-lb", "a", "Bad_Name", "x".PadRight(41, 'x'), "\"\"", "\"a b\""),
        Gen.String[1, 8].Select(s => System.Text.Json.JsonSerializer.Serialize(s)));

    private static readonly Gen<string> Resource = Gen.Select(Name, Token,
        Gen.Select(Gen.OneOf(Keys), Value(3), (k, v) => $"      {k}: {v}\n").Array[0, 8],
        (name, token, props) => $"  {name}:\n    type: {token}\n    properties:\n{string.Concat(props)}" + (props.Length == 0 ? "      image: app\n" : ""));

    private static readonly Gen<string> Config = Gen.Select(
        Gen.OneOf(Targets),
        Gen.OneOf("", "  multinode:aws: { subnetIds: [a, b] }\n", "  multinode:aws: '{\"subnetIds\": [\"a\", \"b\"]}'\n",
            "  multinode:aws: { subnetIds: [] }\n", "  multinode:aws: { subnetIds: [a], vpcId: v, region: mars-1 }\n"),
        Gen.Select(Gen.OneOf("quotas", "maxHourlyCost", "kubernetes", "region", "workerImage"), Value(2), (k, v) => $"  multinode:{k}: {v}\n").Array[0, 3],
        (target, aws, rest) => $"config:\n  multinode:target: {target}\n{aws}{string.Concat(rest)}");

    private static readonly Gen<string> Program = Gen.Select(Config,
        Gen.Select(Gen.OneOf("region", "a", "b"), Value(2), (k, v) => $"  {k}: {v}\n").Array[0, 3],
        Resource.Array[0, 6],
        (config, variables, resources) =>
            $"name: fuzz\nruntime: yaml\n{config}" + (variables.Length > 0 ? "variables:\n" + string.Concat(variables) : "") +
            "resources:\n" + string.Concat(resources));

    private static readonly string[] Shipped = Repo.Programs().Select(File.ReadAllText).ToArray();

    private const string Noise = " :-[]{}&*!|>'\"#%@`,?\n\t0123456789.";

    /// <summary>A shipped program with a few byte-level edits: deletions, insertions, swapped and repeated lines.</summary>
    private static readonly Gen<string> Mutation = Gen.Select(Gen.Int[0, Shipped.Length - 1],
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, Noise.Length - 1]).Array[1, 6],
        (program, edits) =>
        {
            var text = new StringBuilder(Shipped[program]);
            foreach (var (op, a, b, c) in edits)
            {
                if (text.Length == 0) break;
                var at = a % text.Length;
                switch (op)
                {
                    case 0: text.Remove(at, Math.Min(1 + b % 8, text.Length - at)); break;
                    case 1: text.Insert(at, Noise[c]); break;
                    case 2: text.Insert(at, new[] { "&a ", "*a", "<<: *a\n", "!!str ", "!!binary ", "? ", "- ", "999999999999999999999" }[c % 8]); break;
                    default:
                        var lines = text.ToString().Split('\n').ToList();
                        var (i, j) = (a % lines.Count, b % lines.Count);
                        if (op == 3) (lines[i], lines[j]) = (lines[j], lines[i]);
                        else lines.Insert(i, lines[j]);
                        text.Clear().Append(string.Join('\n', lines));
                        break;
                }
            }
            return text.ToString();
        });

    /// <summary>What the CLI does with a file, minus the file: read, validate, plan, print every format, diff.</summary>
    internal static void Check(string text)
    {
        LoadedProgram loaded;
        try
        {
            loaded = ProgramLoader.Parse(text, "Pulumi.yaml", "dev", "config:\n  multinode:maxHourlyCost: \"1000\"\n", KindRegistry.Default);
        }
        catch (ProgramLoadException e)
        {
            // A program in another language is a usage error (exit 2), said with its place; any other is an invalid program.
            var otherRuntime = e.Message.Contains(": runtime is ", StringComparison.Ordinal);
            if (e.InvalidProgram == otherRuntime || !e.Message.StartsWith("Pulumi.", StringComparison.Ordinal))
                throw new InvalidOperationException($"load problem without a file name: {e.Message}");
            return;
        }
        var result = Planner.Plan(loaded.Program, KindRegistry.Default);
        var failures = loaded.Problems.Concat(result.Failures).ToList();
        if (failures.Count > 0)
        {
            if (failures.Any(f => f.Resource.Length == 0 || f.Message.Length == 0))
                throw new InvalidOperationException("invalid without a named problem");
            _ = failures.Select(loaded.Place).ToList();
            return;
        }
        var plan = result.Value!;
        _ = PlanJson.Write(plan);
        _ = PlanPrinter.Markdown(plan);
        PlanPrinter.WriteText(plan, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }));
        var diff = PlanDiff.Compute(plan with { Workloads = [] }, plan);
        _ = DiffPrinter.Markdown(diff, "base", "head");
        _ = DiffPrinter.Text(diff, "base", "head");
        _ = DiffPrinter.Json(diff);
    }

    /// <summary>Samples <paramref name="count"/> programs from fixed seeds, so every run tries the same ones; a
    /// failure is handed to CsCheck from its seed, which shrinks it and prints the smallest failing program.</summary>
    private static void Sweep(Gen<string> gen, ulong stream, int count)
    {
        for (var i = 0UL; i < (ulong)count; i++)
        {
            var pcg = new PCG((uint)stream, i);
            var seed = pcg.ToString();
            var text = gen.Generate(pcg, null!, out _);
            try
            {
                Check(text);
            }
            catch (Exception)
            {
                gen.Sample(Check, seed: seed, iter: 2000, threads: 1);
                throw;
            }
        }
    }

    [Fact]
    public void Generated_PlausibleButWrongPrograms_PlanOrNameTheirProblems() => Sweep(Program, 1, Structured * Scale);

    [Fact]
    public void Mutated_ShippedPrograms_PlanOrNameTheirProblems() => Sweep(Mutation, 2, Mutated * Scale);
}
