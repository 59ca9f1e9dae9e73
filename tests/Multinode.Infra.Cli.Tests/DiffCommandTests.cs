using System.Text.Json;

namespace Multinode.Infra.Cli.Tests;

public sealed class DiffCommandTests : CliFixture
{
    /// <summary>The root program with text replacements applied, written to a temp folder.</summary>
    private string Variant(string name, params (string From, string To)[] edits)
    {
        var text = File.ReadAllText(Repo.File("Pulumi.yaml"));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        var folder = Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), text);
        return folder;
    }

    [Fact]
    public void Diff_SameProgram_SaysSoInOneLine()
    {
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), Variant("same"));
        Assert.True(code == 0, stderr);
        Assert.Single(stdout.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("<!-- multinode-diff --> No changes:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_ScalingChange_ShowsSettingOldToNewAndTotals()
    {
        var head = Variant("scaled", ("maxWorkers: 20", "maxWorkers: 30"));
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head);
        Assert.True(code == 0, stderr);
        Assert.Contains("### Function `embed` — changed", stdout, StringComparison.Ordinal);
        Assert.Contains("| maxWorkers | 20 | 30 |", stdout, StringComparison.Ordinal);
        Assert.Contains("| GPUs at maximum scale | 20 | 30 | +10 |", stdout, StringComparison.Ordinal);
        Assert.Contains("```mermaid", stdout, StringComparison.Ordinal);
        Assert.Contains("Unchanged: `transcode`, `api`, `nightly-report`, `ingest`.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_GpuRequestLeavingMostOfTheInstanceIdle_WarnsInThePrComment()
    {
        // 1 × A100 on AWS is a p4d.24xlarge (8 × A100) per worker: the comment says what that costs.
        (string, string)[] a100 = [("type: nvidia-tesla-t4", "type: a100"), ("value: 250", "value: 2500")];
        var head = Variant("a100", a100);
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head);
        Assert.True(code == 0, stderr);
        Assert.Contains("> ⚠️ Function \"embed\": resources.gpu = 1 × a100 leaves 7 of the 8 GPUs of p4d.24xlarge idle",
            stdout, StringComparison.Ordinal);
        Assert.Contains("/h per worker", stdout, StringComparison.Ordinal);
        // The base is unchanged for the other workloads: no warning about them, and none when nothing changed.
        (_, stdout, _) = Run("diff", head, Variant("a100-same", a100));
        Assert.DoesNotContain("⚠️", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_RenamedWorkload_IsCalledOutLoudly()
    {
        var head = Variant("renamed", ("  ingest:\n", "  ingester:\n"));
        var (code, stdout, _) = Run("diff", Repo.File("Pulumi.yaml"), head, "--format", "text");
        Assert.Equal(0, code);
        Assert.Contains("! Workload ingest is renamed to ingester", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_Json_ListsWorkloadStatuses()
    {
        var head = Variant("json", ("maxConcurrency: 5", "maxConcurrency: 6"));
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head, "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("empty").GetBoolean());
        var transcode = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "transcode");
        Assert.Equal("changed", transcode.GetProperty("status").GetString());
        Assert.Equal("maxConcurrency", transcode.GetProperty("settings")[0].GetProperty("path").GetString());
    }

    [Fact]
    public void Diff_InvalidHead_ExitsOneNamingTheFile()
    {
        var head = Variant("invalid", ("maxWorkers: 20", "maxWorkers: 200"));
        var (code, _, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head);
        Assert.Equal(1, code);
        Assert.Contains("Function \"embed\": maxWorkers = 200 is above the limit of 100", stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(head, "Pulumi.yaml"), stderr, StringComparison.Ordinal);
    }

    private const string Small = """
        name: small
        runtime: yaml
        config:
          multinode:target: kubernetes
        resources:
          f:
            type: multinode:index:Function
            properties: { image: app, maxWorkers: 10 }
        """;

    /// <summary>A repository in <see cref="CliFixture.Dir"/> whose two commits set maxWorkers to 10 then 12, with 15 in
    /// the working copy: each side of a diff must be read from where it says.</summary>
    private void ThreeVersions()
    {
        GitInit();
        var file = Path.Combine(Dir, "infra", "Pulumi.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        foreach (var (workers, commit) in new[] { (10, true), (12, true), (15, false) })
        {
            File.WriteAllText(file, Small.Replace("maxWorkers: 10", $"maxWorkers: {workers}", StringComparison.Ordinal));
            if (!commit) continue;
            Git("add", "-A");
            Git("commit", "-q", "-m", $"maxWorkers {workers}");
        }
    }

    private static (string Path, int Before, int After) OnlySetting(string json)
    {
        using var document = JsonDocument.Parse(json);
        var f = Assert.Single(document.RootElement.GetProperty("workloads").EnumerateArray());
        Assert.Equal(("f", "changed"), (f.GetProperty("name").GetString(), f.GetProperty("status").GetString()));
        var setting = Assert.Single(f.GetProperty("settings").EnumerateArray());
        return (setting.GetProperty("path").GetString()!, setting.GetProperty("before").GetInt32(), setting.GetProperty("after").GetInt32());
    }

    [Fact]
    public void Diff_TwoGitRevisions_ComparesTheCommittedPrograms()
    {
        ThreeVersions();
        var (code, stdout, stderr) = RunIn(Dir, "diff", "git:HEAD~1:infra/Pulumi.yaml", "git:HEAD:infra", "--format", "json");
        Assert.True(code == 0, stderr);
        Assert.Equal(("maxWorkers", 10, 12), OnlySetting(stdout));
    }

    [Fact]
    public void Diff_GitRevisionAgainstTheWorkingCopy_ComparesTheCommittedProgramWithTheFile()
    {
        ThreeVersions();
        var (code, stdout, stderr) = RunIn(Path.Combine(Dir, "infra"), "diff", "git:HEAD:Pulumi.yaml", "Pulumi.yaml", "--format", "json");
        Assert.True(code == 0, stderr);
        Assert.Equal(("maxWorkers", 12, 15), OnlySetting(stdout));

        var (_, markdown, _) = RunIn(Path.Combine(Dir, "infra"), "diff", "git:HEAD:Pulumi.yaml", "Pulumi.yaml");
        Assert.Contains("| maxWorkers | 12 | 15 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_GitRevisionWithoutTheFile_ExitsTwoNamingIt()
    {
        ThreeVersions();
        var (code, _, stderr) = RunIn(Dir, "diff", "git:HEAD:missing/Pulumi.yaml", "infra/Pulumi.yaml");
        Assert.Equal(2, code);
        Assert.Contains("git:HEAD:missing/Pulumi.yaml: no such file at that revision", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_NeitherSideReadable_NamesTheBaseOnly()
    {
        // The two sides are read at once; the error is still the base's, as when they were read in turn.
        var (missingBase, missingHead) = (Path.Combine(Dir, "no-base"), Path.Combine(Dir, "no-head"));
        var (code, stdout, stderr) = Run("diff", missingBase, missingHead);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal($"error: {missingBase}: no such file or folder (expected a Pulumi.yaml or a folder holding one)\n", stderr);
    }

    [Fact]
    public void Diff_InvalidBaseAndUnreadableHead_NamesTheHead()
    {
        var (code, _, stderr) = Run("diff", Variant("invalid-base", ("maxWorkers: 20", "maxWorkers: 200")), Path.Combine(Dir, "no-head"));
        Assert.Equal(2, code);
        Assert.Equal($"error: {Path.Combine(Dir, "no-head")}: no such file or folder (expected a Pulumi.yaml or a folder holding one)\n", stderr);
    }

    [Fact]
    public void Diff_BadGitSpec_ExitsTwo()
    {
        var (code, _, stderr) = Run("diff", "git:no-such-revision-xyz:Pulumi.yaml", Repo.File("Pulumi.yaml"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: git show no-such-revision-xyz:Pulumi.yaml failed: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_ConfigChange_ReadsEachSidesOwnBudgetAndQuotasAndShowsTheChange()
    {
        var head = Variant("budget", ("value: 250", "value: 500"), ("maxWorkers: 20", "maxWorkers: 21"));
        Assert.Contains("multinode:maxHourlyCost:\n    value: 250", File.ReadAllText(Repo.File("Pulumi.yaml")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head);
        Assert.True(code == 0, stderr);
        Assert.Contains("### multinode config — changed\n\n| key | before | after |\n| --- | --- | --- |\n| maxHourlyCost | 250 | 500 |\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"\| maxHourlyCost budget \| \d+% of \$250 \| \d+% of \$500 \|", stdout);

        var (_, text, _) = Run("diff", Repo.File("Pulumi.yaml"), head, "--format", "text");
        Assert.Contains("config maxHourlyCost: 250 → 500\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_OnlyConfigChanged_IsNotEmpty()
    {
        var head = Variant("budget-only", ("value: 250", "value: 300"));
        var (code, stdout, stderr) = Run("diff", Repo.File("Pulumi.yaml"), head, "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("empty").GetBoolean());
        var change = Assert.Single(json.RootElement.GetProperty("config").EnumerateArray());
        Assert.Equal(("maxHourlyCost", 250, 300), (change.GetProperty("path").GetString(), change.GetProperty("before").GetInt32(), change.GetProperty("after").GetInt32()));
    }
}
