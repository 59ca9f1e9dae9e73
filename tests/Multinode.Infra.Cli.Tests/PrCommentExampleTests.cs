using Multinode.Infra.Planning;

namespace Multinode.Infra.Cli.Tests;

/// <summary>examples/pr-comment/comment.md is what `multinode diff` prints for the two committed versions of the
/// example; it must stay current (UPDATE_GOLDEN=1 rewrites it).</summary>
public sealed class PrCommentExampleTests
{
    private static Plan PlanOf(string folder)
    {
        var (program, _) = ProgramLoader.Load(Repo.File("examples", "pr-comment", folder), null);
        var result = Planner.Plan(program);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return result.Value!;
    }

    [Fact]
    public void Comment_MatchesTheRenderedDiffOfBaseAndHead()
    {
        var (before, after) = (PlanOf("base"), PlanOf("head"));
        var diff = PlanDiff.Compute(before, after);
        var load = LoadComparison.Run(before, after, Infra.Simulation.LoadTrace.Parse(File.ReadAllText(Repo.File("examples", "pr-comment", "load.csv"))),
            "load.csv", Infra.Simulation.PlatformParameters.Default);
        var markdown = DiffPrinter.Markdown(diff, "examples/pr-comment/base", "examples/pr-comment/head", load);
        GoldenFile.AssertFile(Repo.File("examples", "pr-comment", "comment.md"), markdown);
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
