using System.Diagnostics;
using System.Text;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Cli.Tests;

/// <summary>Programs built to exhaust the CLI: alias bombs, deep nesting, numbers past every type.</summary>
public sealed class ProgramLimitsTests : CliFixture
{
    private string Write(string text)
    {
        var path = Path.Combine(Dir, "Pulumi.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Head = """
        name: limits
        runtime: yaml
        config:
          multinode:target: kubernetes

        """;

    /// <summary>"Billion laughs": nine levels of nine aliases each, 9^9 (387 million) strings once expanded.</summary>
    private static string AliasBomb()
    {
        var yaml = new StringBuilder(Head);
        yaml.Append("variables:\n  l0: &l0 [\"lol\"]\n");
        for (var level = 1; level <= 9; level++)
            yaml.Append($"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        yaml.Append("resources:\n  f:\n    type: multinode:index:Function\n    properties:\n      image: app\n      args: *l9\n");
        return yaml.ToString();
    }

    /// <summary>A program that writes out as many nodes as aliases may copy (<see cref="ProgramLoader.MaxNodes"/>):
    /// a list of that many scalars in a variable, and one workload.</summary>
    private static string PlainAtTheLimit() =>
        Head + "variables:\n  plain: [" + string.Join(", ", Enumerable.Repeat("lol", ProgramLoader.MaxNodes)) + "]\n" +
        "resources:\n  f:\n    type: multinode:index:Function\n    properties:\n      image: app\n";

    [Fact]
    public void Validate_AliasBomb_RefusedFasterThanReadingTheLimitsNodesAndWithLittleMemory()
    {
        // The budget is measured in this run: validating a program that writes out the limit's worth of nodes. A bomb
        // refused after one pass over its few written nodes takes less; expanding it (9^9 strings) takes far more.
        var baseline = Stopwatch.StartNew();
        Assert.Equal(0, Run("validate", Write(PlainAtTheLimit())).Code);
        baseline.Stop();
        var file = Write(AliasBomb());
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = Run("validate", file);
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: {file}:", stderr, StringComparison.Ordinal);
        Assert.Contains("the program's aliases copy more than 250,000 YAML nodes (each alias counts every node of its anchor)", stderr,
            StringComparison.Ordinal);
        Assert.True(clock.Elapsed < baseline.Elapsed,
            $"took {clock.Elapsed}; validating {ProgramLoader.MaxNodes} plain nodes took {baseline.Elapsed}");
        Assert.True(allocated < 64L << 20, $"allocated {allocated >> 20} MiB");
    }

    [Fact]
    public void Validate_TenThousandPlainWorkloads_AreRead()
    {
        // No alias copies a node: the file's own size bounds what it holds, and the alias limit does not apply.
        var yaml = new StringBuilder(Head + "resources:\n");
        for (var i = 0; i < 10_000; i++)
            yaml.Append($"  w{i}:\n    type: multinode:index:Daemon\n    properties:\n      image: app:{i}\n      resources: {{ cpu: 1, memory: 1Gi }}\n      env: {{ A: a, B: b }}\n      tags: {{ team: t }}\n");
        var (code, stdout, stderr) = Run("validate", Write(yaml.ToString()));
        Assert.True(code == 0, stderr);
        Assert.Contains("10000 workload(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AliasesWithinTheLimit_AreExpanded()
    {
        var file = Write(Head + """
            variables:
              common: &common
                LOG_LEVEL: info
            resources:
              a:
                type: multinode:index:Function
                properties: { image: app, env: *common }
              b:
                type: multinode:index:Function
                properties: { image: app, env: *common }
            """);
        var (code, stdout, stderr) = Run("plan", file, "--format", "json");
        Assert.True(code == 0, stderr);
        Assert.True(System.Text.RegularExpressions.Regex.Count(stdout, "\"LOG_LEVEL\": \"info\"") >= 2, stdout);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)]
    public void Validate_NestingPastTheJsonReaderDepth_RefusedNamingTheLine(int depth)
    {
        var file = Write(Head + "resources:\n  f:\n    type: multinode:index:Function\n    properties:\n      image: app\n      tags: "
            + new string('[', depth) + new string(']', depth) + "\n");
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        // The root, resources, f and properties are four levels: the 61st "[" (column 13 + 60) is the 65th.
        Assert.Equal($"error: {file}:10:73: sequences and mappings nest more than 64 levels deep (the limit, as for JSON readers)\n",
            stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_NestingThroughAnAlias_Counted()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var file = Write(Head + $"variables:\n  deep: &deep {deep}\nresources:\n  f:\n    type: multinode:index:Function\n    properties:\n      image: app\n      tags: {{ a: {{ b: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[*deep]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] }} }}\n");
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains("nest more than 64 levels deep", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OverflowingMemory_IsAProblemNotACrash()
    {
        var file = Write(Head + """
            resources:
              f:
                type: multinode:index:Function
                properties:
                  image: app
                  resources:
                    memory: 99999999999999999999Ti
              g:
                type: multinode:index:Function
                properties:
                  image: app
                  resources:
                    memory: "99999999999999999999999999999999999999999"
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Equal($"""
            {file}:11:17: Function "f": resources.memory = "99999999999999999999Ti" is above the limit of 4Ti
            {file}:17:17: Function "g": resources.memory = "99999999999999999999999999999999999999999" is above the limit of 4Ti
            {file}: 2 problems found; nothing was planned.

            """.ReplaceLineEndings("\n"), stderr.ReplaceLineEndings("\n"));
    }

    /// <summary>Regression cases from the fuzz test (ProgramFuzzTests), one per class of failure it found: programs
    /// the loader refuses, naming the file and place.</summary>
    [Theory]
    [InlineData("a: {b: {c: d}\nx: y\n", "Pulumi.yaml:1:13: not valid YAML after this point")] // YamlDotNet: InvalidOperationException
    [InlineData("a:\n  r: {c: 4}*a\n  m: 2\n", "Pulumi.yaml:2:12: not valid YAML: a key of a block mapping must start on a new line")] // YamlDotNet: ArgumentException
    public void Parse_FuzzFindings_AreNamedProblems(string text, string expected)
    {
        var e = Assert.Throws<Multinode.Infra.Cli.ProgramLoadException>(() => Multinode.Infra.Cli.ProgramLoader.Parse(text, "Pulumi.yaml", null, null, KindRegistry.Default));
        Assert.True(e.InvalidProgram);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Fuzz findings that crashed after loading: each now plans or names its problems.</summary>
    [Theory]
    [InlineData("resources:\n  t:\n    type: multinode:index:Daemon\n    properties: { image: app, resources: }\n")] // explicit null object: defaults were skipped
    public void Check_FuzzFindings_PlanOrNameProblems(string resources) =>
        ProgramFuzzTests.Check(Head + resources);
}
