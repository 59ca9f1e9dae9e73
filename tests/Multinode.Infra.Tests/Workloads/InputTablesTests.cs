using Multinode.Infra.Schema;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

public sealed class InputTablesTests
{
    /// <summary>docs/workloads.md is the rendering of the kind definitions; UPDATE_GOLDEN=1 rewrites it.</summary>
    [Fact]
    public void Docs_WorkloadsPage_MatchesTheKindDefinitions() =>
        GoldenFile.AssertFile(Repo.File("docs", "workloads.md"), InputTables.Markdown(KindRegistry.Default));

    [Fact]
    public void Markdown_EachKind_HasARowPerOwnInputWithDefaultAndLimits()
    {
        var md = InputTables.Markdown(KindRegistry.Default);
        Assert.Contains("| `maxWorkers` | integer | `10` | 1 to 100 | Most workers at once. |\n", md, StringComparison.Ordinal);
        Assert.Contains("| `schedule` | string | required |  |", md, StringComparison.Ordinal);
        Assert.Contains("| `resources.gpu.count` | integer | `1` | 1 to ", md, StringComparison.Ordinal);
        Assert.Contains("| `certificateArn` | string |  | *pass-through* |", md, StringComparison.Ordinal);
        foreach (var kind in WorkloadKinds.All)
            Assert.Contains($"## {kind.Name}\n\n`{kind.Token}`: {kind.Description}", md, StringComparison.Ordinal);
    }
}
