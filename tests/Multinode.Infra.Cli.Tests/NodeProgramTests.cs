using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Cli.Tests;

/// <summary>`multinode plan|diff|validate` on `runtime: nodejs` programs: the program runs with @pulumi/pulumi's own
/// runner against the CLI's recording engine (src/Multinode.Infra.Cli/node/recorder.js), and its multinode
/// registrations are planned as a YAML program's declarations are.</summary>
public sealed class NodeProgramTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void Plan_TypeScriptExample_IsThePlanOfItsYamlTwin()
    {
        var example = Repo.File("examples", "typescript-function");
        using var program = NodePrograms.Create(new[] { "index.ts", "package.json", "Pulumi.yml" }
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(example, f))));
        var (code, json, stderr) = CliRunner.Run("plan", program.Dir, "--format", "json");
        Assert.True(code == 0, stderr);
        var twin = Repo.File("examples", "typescript-function-yaml");
        var (twinCode, twinJson, twinErr) = CliRunner.Run("plan", twin, "--format", "json");
        Assert.True(twinCode == 0, twinErr);
        // The same workload, settings, children and their inputs, cost: the whole plan.
        Assert.Equal(twinJson, json);
        Assert.Contains("\"square-scaler\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidInput_ExitsOneNamingThePropertyAndTheLineOfTheProgram()
    {
        // maxWorkers allows 1 to 100 (schema.json, docs/workloads.md).
        using var program = NodePrograms.Create(new Dictionary<string, string>
        {
            ["index.ts"] = NodePrograms.Index("""
                new multinode.Function("square", { image: "ghcr.io/example/square:1.0.0", maxWorkers: 150 });
                """),
        });
        var (code, _, stderr) = CliRunner.Run("validate", program.Dir);
        Assert.Equal(1, code);
        // Line 5 of index.ts (four import lines first), at the `new` of the Function.
        var place = Path.Combine(program.Dir, "index.ts");
        var expected = $"^{Regex.Escape(place)}:5:1: Function \"square\": maxWorkers = 150 is above the limit of 100$";
        Assert.Matches(new Regex(expected, RegexOptions.Multiline), stderr);
    }

    /// <summary>Config from Pulumi.&lt;stack&gt;.yaml reaches the program (its own keys) and the plan (multinode:*), as
    /// for YAML; a secret stays secret; an image made from another resource's output is unknown.</summary>
    [Fact]
    public void Plan_StackConfigSecretAndAnotherResourcesOutput_ArePlannedAsForYaml()
    {
        using var program = NodePrograms.Create(new Dictionary<string, string>
        {
            ["index.ts"] = NodePrograms.Index(NodePrograms.Repository + """
                const config = new pulumi.Config();
                new multinode.Function(`square-${pulumi.getStack()}`, {
                  image: pulumi.interpolate`${repo.repositoryUrl}:1.0.0`,
                  maxWorkers: config.requireNumber("workers"),
                  env: { API_KEY: pulumi.secret("s3cr3t-key") },
                });
                """),
            ["Pulumi.prod.yaml"] = """
                config:
                  node-test-program:workers: "7"
                  multinode:kubernetes:
                    namespace: stack-namespace
                    queue: { kind: redis, address: redis.prod.svc.cluster.local:6379 }
                """,
        });
        var (code, json, stderr) = CliRunner.Run("plan", program.Dir, "--stack", "prod", "--format", "json");
        Assert.True(code == 0, stderr);
        using var plan = JsonDocument.Parse(json);
        var workload = Assert.Single(plan.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal("square-prod", workload.GetProperty("name").GetString());
        var settings = workload.GetProperty("settings");
        var image = settings.GetProperty("image");
        Assert.True(image.ValueKind == JsonValueKind.Object && image.GetProperty("unknown").GetBoolean(),
            image.GetRawText());
        Assert.Equal(7, settings.GetProperty("maxWorkers").GetInt32());
        Assert.True(settings.GetProperty("env").GetProperty("API_KEY").GetProperty("secret").GetBoolean());
        Assert.DoesNotContain("s3cr3t-key", json, StringComparison.Ordinal);
        Assert.Contains("\"stack-namespace\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"demo\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_TwoGitRevisions_CommentShowsExactlyTheChangedWorkload()
    {
        string Index(int cubeWorkers) => NodePrograms.Index(NodePrograms.Repository + $$"""
            new multinode.Function("square", { image: pulumi.interpolate`${repo.repositoryUrl}:1.0.0`, maxWorkers: 5 });
            new multinode.Function("cube", { image: "ghcr.io/example/cube:2.0.0", maxWorkers: {{cubeWorkers}} });
            """);
        using var program = NodePrograms.Create(new Dictionary<string, string>());
        NodePrograms.Commit(program, Index(10), Index(20));

        var (code, comment, stderr, _) = NodePrograms.Cli(program.Dir, new Dictionary<string, string>(), Limit,
            "diff", "git:HEAD~1:.", "git:HEAD:.");
        Assert.True(code == 0, stderr);
        Assert.Contains("**1 workload changed ·", comment, StringComparison.Ordinal);
        Assert.Contains("### Function `cube` — changed", comment, StringComparison.Ordinal);
        Assert.Contains("| maxWorkers | 10 | 20 |", comment, StringComparison.Ordinal);
        // square's image is unknown on both sides, made of the same repository declaration: unchanged.
        Assert.Contains("Unchanged: `square`.", comment, StringComparison.Ordinal);
        Assert.DoesNotContain("Function `square` —", comment, StringComparison.Ordinal);
        // The revisions were extracted to temporary folders, and those are gone.
        Assert.DoesNotContain("multinode-node-", stderr, StringComparison.Ordinal);
    }
}
