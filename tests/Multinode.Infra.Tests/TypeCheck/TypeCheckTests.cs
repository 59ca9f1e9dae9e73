using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.TypeCheck;

/// <summary>Every planned aws:* and typed kubernetes:* child, written as TypeScript against the real SDKs,
/// must pass `tsc --noEmit --strict`.</summary>
public sealed class TypeCheckTests
{
    private static readonly string Project = Repo.File("tests", "typecheck");
    private static readonly Lock Gate = new();

    /// <summary>Each shipped program on its own target, and the root program on both targets.</summary>
    public static IEnumerable<(string Name, Plan Plan)> Plans()
    {
        foreach (var file in Repo.Programs())
        {
            var (program, _) = ProgramLoader.Load(file, null, KindRegistry.Default);
            var name = Path.GetFileName(Path.GetDirectoryName(file))!;
            yield return (name, PlanOrFail(program, file));
            if (file == Repo.File("Pulumi.yaml"))
            {
                var other = program.Config.Get("target") is StringValue { Value: "aws" } ? "kubernetes" : "aws";
                yield return ($"{name}-{other}", PlanOrFail(program with { Config = program.Config.With("target", other) }, file));
            }
        }
    }

    private static Plan PlanOrFail(ProgramDeclaration program, string file)
    {
        var result = Planner.Plan(program, KindRegistry.Default);
        Assert.True(result.IsValid, $"{file}: {string.Join("\n", result.Failures)}");
        return result.Value!;
    }

    private static (int, string) Check(IEnumerable<(string Name, string Source)> files)
    {
        lock (Gate)
        {
            Node.EnsureInstalled(Project);
            var generated = Path.Combine(Project, "generated");
            if (Directory.Exists(generated)) Directory.Delete(generated, recursive: true);
            Directory.CreateDirectory(generated);
            foreach (var (name, source) in files) File.WriteAllText(Path.Combine(generated, $"{name}.ts"), source);
            return Node.Run(Project, "node", Path.Combine("node_modules", "typescript", "bin", "tsc"), "-p", ".");
        }
    }

    [Fact]
    public void Plans_WrittenAsTypeScript_PassTscStrict()
    {
        var files = Plans().Select(p => (p.Name, TypeScriptEmitter.Emit(p.Plan))).ToList();
        var (code, output) = Check(files);
        Assert.True(code == 0, $"tsc --strict rejected the planned children:\n{output}");
    }

    [Fact]
    public void Check_WrongInputType_IsRejectedByTsc()
    {
        // Guards the guard: a plan with a string where @pulumi/aws wants a number must fail the check.
        var source = """
            import * as aws from "@pulumi/aws";
            new aws.sqs.Queue("q", { visibilityTimeoutSeconds: "thirty" });
            """;
        var (code, output) = Check([("wrong", source)]);
        Assert.NotEqual(0, code);
        Assert.Contains("wrong.ts(2,", output, StringComparison.Ordinal);
        Assert.Contains("error TS2322", output, StringComparison.Ordinal);
    }
}
