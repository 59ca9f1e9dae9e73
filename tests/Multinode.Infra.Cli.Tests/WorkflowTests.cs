using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli.Tests;

/// <summary>Runs the render step of examples/github-actions/multinode-diff.yml with bash against a real git repository
/// and the built CLI: what the pull request's comment says and the check's exit code, per case.</summary>
public sealed class WorkflowTests : CliFixture
{
    private static readonly string WorkflowFile = Repo.File("examples", "github-actions", "multinode-diff.yml");

    private static YamlMappingNode Workflow()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(WorkflowFile)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Steps() =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Workflow()["jobs"])["diff"])["steps"]).Children.Cast<YamlMappingNode>();

    private static string RenderScript() =>
        ((YamlScalarNode)Steps().Single(s => s.Children.TryGetValue("id", out var id) && id.ToString() == "render")["run"]).Value!;

    private const string Program = """
        name: wf
        runtime: yaml
        config:
          multinode:target: kubernetes
          multinode:maxHourlyCost: 100
        resources:
          f:
            type: multinode:index:Function
            properties: { image: app, maxWorkers: 10 }
        """;

    /// <summary>Commits <paramref name="baseProgram"/> (none: an empty commit), writes <paramref name="headProgram"/>,
    /// runs the render step; returns the status it wrote and the comment.</summary>
    private (int Status, string Comment) Render(string? baseProgram, string headProgram)
    {
        GitInit();
        Directory.CreateDirectory(Path.Combine(Dir, "infra"));
        var file = Path.Combine(Dir, "infra", "Pulumi.yaml");
        if (baseProgram is not null)
        {
            File.WriteAllText(file, baseProgram);
            Git("add", "-A");
        }
        Git("commit", "-q", "--allow-empty", "-m", "base");
        var baseSha = Git("rev-parse", "HEAD");
        File.WriteAllText(file, headProgram);

        var script = Path.Combine(Dir, "render.sh");
        File.WriteAllText(script, RenderScript());
        var start = new ProcessStartInfo("bash", [script]) { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PROGRAM"] = "infra/Pulumi.yaml";
        start.Environment["STACK"] = "";
        start.Environment["BASE_SHA"] = baseSha;
        start.Environment["MULTINODE"] = $"dotnet exec {typeof(Multinode.Infra.Cli.Cli).Assembly.Location}";
        start.Environment["GITHUB_STEP_SUMMARY"] = Path.Combine(Dir, "summary.md");
        using var bash = Process.Start(start)!;
        var stderr = bash.StandardError.ReadToEndAsync();
        bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, $"the render step itself failed: {stderr.Result}");
        var comment = File.ReadAllText(Path.Combine(Dir, "comment.md"));
        Assert.Equal(comment, File.ReadAllText(Path.Combine(Dir, "summary.md")));
        return (int.Parse(File.ReadAllText(Path.Combine(Dir, "status")).Trim(), System.Globalization.CultureInfo.InvariantCulture), comment);
    }

    [Fact]
    public void Render_Changed_PostsTheDiffAndPasses()
    {
        var (status, comment) = Render(Program, Program.Replace("maxWorkers: 10", "maxWorkers: 12", StringComparison.Ordinal));
        Assert.Equal(0, status);
        Assert.StartsWith("<!-- multinode-diff -->\n## Multinode preview:", comment, StringComparison.Ordinal);
        Assert.Contains("| maxWorkers | 10 | 12 |", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HeadInvalid_PostsTheProblemsAndFails()
    {
        var (status, comment) = Render(Program, Program.Replace("maxWorkers: 10", "maxWorkers: 150", StringComparison.Ordinal));
        Assert.Equal(1, status);
        Assert.StartsWith("<!-- multinode-diff -->\n## ❌ Multinode preview: the program is invalid\n", comment, StringComparison.Ordinal);
        Assert.Contains("infra/Pulumi.yaml:9:43: Function \"f\": maxWorkers = 150 is above the limit of 100", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OverBudget_SaysSoAndFails()
    {
        var (status, comment) = Render(Program, Program.Replace("maxHourlyCost: 100", "maxHourlyCost: 0.01", StringComparison.Ordinal));
        Assert.Equal(1, status);
        Assert.StartsWith("<!-- multinode-diff -->\n## ❌ Multinode preview: the program is over its budget or quotas\n", comment, StringComparison.Ordinal);
        Assert.Contains("maxHourlyCost = 0.01 is exceeded", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NewProgram_PostsItsPlan()
    {
        var (status, comment) = Render(null, Program);
        Assert.Equal(0, status);
        Assert.StartsWith("<!-- multinode-diff -->\n## Multinode preview: `infra/Pulumi.yaml` is new\n", comment, StringComparison.Ordinal);
        Assert.Contains("### Function `f`", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Workflow_BuildsThePinnedCommitOnlyAndFailsAfterPosting()
    {
        var text = File.ReadAllText(WorkflowFile);
        Assert.DoesNotContain("git clone", text, StringComparison.Ordinal);
        var steps = Steps().ToList();
        var external = steps.Single(s => s.Children.TryGetValue("with", out var with) && ((YamlMappingNode)with).Children.ContainsKey("repository"));
        Assert.Equal("${{ env.MULTINODE_COMMIT }}", ((YamlMappingNode)external["with"])["ref"].ToString());
        var names = steps.Select(s => s.Children.TryGetValue("name", out var n) ? n.ToString() : s["uses"].ToString()).ToList();
        Assert.True(names.FindIndex(n => n.StartsWith("Post", StringComparison.Ordinal)) < names.FindIndex(n => n.StartsWith("Fail", StringComparison.Ordinal)));
        Assert.Contains("fork", text, StringComparison.Ordinal);
    }
}
