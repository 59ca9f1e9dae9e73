namespace Multinode.Infra.Cli.Tests;

/// <summary>`multinode --version` prints the one version of the build (Directory.Build.props).</summary>
public sealed class VersionCommandTests
{
    [Fact]
    public void CliVersion_IsTheBuildVersion()
    {
        var (code, stdout, stderr) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(Repo.BuildVersion() + "\n", stdout.ReplaceLineEndings("\n"));
        Assert.Empty(stderr);
    }
}
