using Multinode.Infra.Planning;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Cli.Tests;

/// <summary>examples/pr-comment/comment.md is what the command docs/cli.md names prints for the two committed versions
/// of the example, run as a user runs it from the repository root; it must stay current (UPDATE_GOLDEN=1 rewrites it).</summary>
public sealed class PrCommentExampleTests : CliFixture
{
    /// <summary>The command docs/cli.md shows, after <c>dotnet run --project src/Multinode.Infra.Cli --</c>.</summary>
    private static readonly string[] Command =
        ["diff", "examples/pr-comment/base", "examples/pr-comment/head", "--load", "examples/pr-comment/load.csv"];

    private static Plan PlanOf(string folder)
    {
        var (program, _) = ProgramLoader.Load(Repo.File("examples", "pr-comment", folder), null, KindRegistry.Default);
        var result = Planner.Plan(program, KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return result.Value!;
    }

    [Fact]
    public void Comment_IsTheOutputOfTheCommandTheDocsName()
    {
        var docs = File.ReadAllText(Repo.File("docs", "cli.md"));
        Assert.Contains("dotnet run --project src/Multinode.Infra.Cli -- " + string.Join(' ', Command), docs, StringComparison.Ordinal);
        var (code, stdout, stderr) = RunIn(Repo.Root(), Command);
        Assert.True(code == 0, stderr);
        GoldenFile.AssertFile(Repo.File("examples", "pr-comment", "comment.md"), stdout);
    }

    [Fact]
    public void Comment_ShowsUpdatesAddedWorkloadCostAndQuota()
    {
        var diff = PlanDiff.Compute(PlanOf("base"), PlanOf("head"));
        Assert.Equal(WorkloadStatus.Added, diff.Workloads.Single(w => w.Name == "nightly-report").Status);
        Assert.Equal(0, diff.Count(ChangeKind.Delete));
        Assert.True(diff.Head.Totals.MaxHourlyCost > diff.Base.Totals.MaxHourlyCost);
    }
}
