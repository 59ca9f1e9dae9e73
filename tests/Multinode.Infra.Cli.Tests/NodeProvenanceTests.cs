namespace Multinode.Infra.Cli.Tests;

/// <summary>An unknown input of a Node program is made of the resources it depends on (docs/cli.md, "Node
/// programs"): a changed declaration of such a resource changes every value made of it, as for YAML (docs/cli.md,
/// "Unknowns compare by what they are made of").</summary>
public sealed class NodeProvenanceTests
{
    [Fact]
    public void Diff_UpstreamDeclarationChanged_ChangesTheWorkloadWhoseImageIsMadeOfIt()
    {
        string Index(string mutability) => NodePrograms.Index(NodePrograms.Repository.Replace("IMMUTABLE", mutability,
            StringComparison.Ordinal) + """
            new multinode.Function("square", { image: pulumi.interpolate`${repo.repositoryUrl}:1.0.0`, maxWorkers: 5 });
            new multinode.Function("cube", { image: "ghcr.io/example/cube:2.0.0", maxWorkers: 10 });
            """);
        using var program = NodePrograms.Create(new Dictionary<string, string>());
        NodePrograms.Commit(program, Index("IMMUTABLE"), Index("MUTABLE"));

        var (code, comment, stderr, _) = NodePrograms.Cli(program.Dir, new Dictionary<string, string>(),
            TimeSpan.FromMinutes(3), "diff", "git:HEAD~1:.", "git:HEAD:.");
        Assert.True(code == 0, stderr);
        Assert.Contains("**1 workload changed ·", comment, StringComparison.Ordinal);
        Assert.Contains("### Function `square` — changed", comment, StringComparison.Ordinal);
        Assert.Contains("Unchanged: `cube`.", comment, StringComparison.Ordinal);
    }
}
