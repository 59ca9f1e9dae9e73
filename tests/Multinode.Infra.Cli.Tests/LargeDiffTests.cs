using System.Text;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Cli.Tests;

/// <summary>PR comments of programs with thousands of workloads, and of values that look like HTML.</summary>
public sealed class LargeDiffTests : CliFixture
{
    private const int Count = 2000;

    private string Program(string name, Func<int, int> maxWorkers, string env = "", int count = Count)
    {
        var yaml = new StringBuilder("name: large\nruntime: yaml\nconfig:\n  multinode:target: kubernetes\nresources:\n");
        for (var i = 0; i < count; i++)
            yaml.Append($"  w{i:D4}:\n    type: multinode:index:Function\n    properties: {{ image: app, maxWorkers: {maxWorkers(i)}{env} }}\n");
        var folder = Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), yaml.ToString());
        return folder;
    }

    [Fact]
    public void Diff_ThousandsOfChangedWorkloads_CommentFitsGitHubsLimit()
    {
        var (code, stdout, stderr) = Run("diff", Program("base", _ => 10), Program("head", _ => 20));
        Assert.True(code == 0, stderr);
        Assert.True(stdout.Length <= DiffPrinter.MaxCommentLength, $"{stdout.Length} characters");
        Assert.StartsWith("<!-- multinode-diff -->\n", stdout, StringComparison.Ordinal);
        Assert.Contains($"**{Count} workloads changed", stdout, StringComparison.Ordinal);
        Assert.Contains("### Function `w0000` — changed", stdout, StringComparison.Ordinal);
        Assert.Contains("More changed workloads, in short:\n\n- Function `w", stdout, StringComparison.Ordinal);
        Assert.Matches(@"… and \d+ more changed workloads: the comment is limited to GitHub's 65,536 characters", stdout);
        Assert.Contains("### Cost and quotas at maximum scale", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_FewChangesAmongThousands_ChangedInFullGraphOnlyOfWhatChanged()
    {
        var (code, stdout, stderr) = Run("diff", Program("base", _ => 10), Program("head", i => i is 7 or 1500 ? 30 : 10));
        Assert.True(code == 0, stderr);
        Assert.True(stdout.Length <= DiffPrinter.MaxCommentLength, $"{stdout.Length} characters");
        Assert.Contains("### Function `w0007` — changed\n\n| setting | before | after |\n| --- | --- | --- |\n| maxWorkers | 10 | 30 |", stdout, StringComparison.Ordinal);
        Assert.Contains("### Function `w1500` — changed", stdout, StringComparison.Ordinal);
        Assert.Contains("Unchanged: `w0000`, ", stdout, StringComparison.Ordinal);
        var graph = stdout[stdout.IndexOf("```mermaid", StringComparison.Ordinal)..];
        Assert.Equal(2, Regex.Count(graph, "subgraph"));
    }

    [Fact]
    public void Diff_ValueLookingLikeHtml_IsEscapedInMarkdown()
    {
        var evil = ", env: { NOTE: \"</details><img src=x onerror=alert(1)>\" }";
        var folder = Program("html", i => i == 0 ? 11 : 10, evil, count: 2);
        var (code, stdout, stderr) = Run("diff", Program("plain", _ => 10, count: 2), folder);
        Assert.True(code == 0, stderr);
        // Table cells are Markdown: escaped. Code spans show their text literally (entities would print as "&lt;").
        Assert.Contains("| env.NOTE | — | \"&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;\" |", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", Regex.Replace(stdout, "`[^`\n]*`", ""), StringComparison.Ordinal);
    }
}
