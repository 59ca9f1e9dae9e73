namespace Multinode.Infra.Cli.Tests;

/// <summary>A Node program that never ends, registers nothing, throws, or cannot run: a clear error in bounded time,
/// and no Node process left behind.</summary>
public sealed class NodeFailureTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Plan_ProgramThatNeverExits_IsStoppedAtTheTimeoutWithAClearError()
    {
        using var program = NodePrograms.Create(new Dictionary<string, string>
        {
            ["index.ts"] = NodePrograms.Index("""
                new multinode.Function("square", { image: "ghcr.io/example/square:1.0.0" });
                setInterval(() => undefined, 1000);
                """),
        });
        var env = new Dictionary<string, string> { [NodeRunner.TimeoutVariable] = "6" };
        var (code, _, stderr, took) = NodePrograms.Cli(program.Dir, env, Limit, "plan", program.Dir);
        Assert.Equal(1, code);
        Assert.Contains($"{program.Dir}: the Node program did not finish within 6 s and was stopped", stderr,
            StringComparison.Ordinal);
        Assert.Contains($"set {NodeRunner.TimeoutVariable} to more seconds", stderr, StringComparison.Ordinal);
        // The timeout, the CLI's and Node's start-up, and the recorder's report: well under the recorder's grace.
        Assert.True(took < TimeSpan.FromSeconds(6 + NodeRunner.GraceSeconds), $"took {took}");
        Assert.Empty(ProcessesMentioning(program.Dir));
    }

    [Fact]
    public void Plan_ProgramThatRegistersNothing_SaysSoAndNamesTheEntryPoint()
    {
        using var program = NodePrograms.Create(
            new Dictionary<string, string> { ["index.ts"] = "export const nothing = 1;\n" });
        var (code, _, stderr) = CliRunner.Run("plan", program.Dir);
        Assert.Equal(1, code);
        Assert.Contains("the Node program ran to completion but registered no multinode resource", stderr,
            StringComparison.Ordinal);
        Assert.Contains("check its entry point (Pulumi.yaml main, package.json main)", stderr,
            StringComparison.Ordinal);
    }

    /// <summary>On Node 20.20 and 22 the SDK's coloured error printing loops for ever on such an error unless the
    /// runner is started with node/no-colour.js (docs/sdk.md, Node versions): this ends, with the error said.</summary>
    [Fact]
    public void Validate_ProgramThatThrows_EndsWithItsError()
    {
        using var program = NodePrograms.Create(new Dictionary<string, string>
        {
            ["index.ts"] = NodePrograms.Index("""
                throw new Error("no image configured for square");
                """),
        });
        var (code, _, stderr, took) = NodePrograms.Cli(program.Dir, new Dictionary<string, string>(), Limit,
            "validate", program.Dir);
        Assert.Equal(1, code);
        Assert.Contains("the Node program failed (exit code", stderr, StringComparison.Ordinal);
        Assert.Contains("no image configured for square", stderr, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(NodeRunner.DefaultTimeoutSeconds), $"took {took}");
        Assert.Empty(ProcessesMentioning(program.Dir));
    }

    [Fact]
    public void Validate_NodeProjectWithoutPackages_AsksForNpmCi()
    {
        var dir = Directory.CreateTempSubdirectory("multinode-node-test-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "Pulumi.yaml"), NodePrograms.Project("bare"));
            var (code, _, stderr) = CliRunner.Run("validate", dir);
            Assert.Equal(2, code);
            Assert.Contains("runtime is \"nodejs\", but @pulumi/pulumi is not installed for it; run `npm ci`", stderr,
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, 120)]
    [InlineData("", 120)]
    [InlineData("2.5", 2.5)]
    public void Timeout_IsTheVariablesSecondsElseTwoMinutes(string? setting, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), NodeRunner.Timeout(setting));

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    public void Timeout_NotAPositiveNumber_IsAUsageErrorNamingTheVariable(string setting)
    {
        var e = Assert.Throws<ProgramLoadException>(() => NodeRunner.Timeout(setting));
        Assert.StartsWith($"{NodeRunner.TimeoutVariable} is \"{setting}\"; it must be a number of seconds", e.Message,
            StringComparison.Ordinal);
        Assert.False(e.InvalidProgram);
    }

    /// <summary>Processes whose command line names <paramref name="text"/> (Linux /proc).</summary>
    private static List<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add($"{Path.GetFileName(dir)}: {cmdline}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }
        return found;
    }
}
