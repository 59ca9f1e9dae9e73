using System.Text.Json;
using System.Xml.Linq;
using Multinode.Infra.Schema;
using Multinode.Infra.Tests.Cli;

namespace Multinode.Infra.Tests;

/// <summary>One version everywhere, from Directory.Build.props: the schema, schema.json, the CLI, the README.</summary>
public sealed class VersionTests
{
    private static string BuildVersion() =>
        XDocument.Load(Repo.File("Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public void PackageSchemaVersion_IsTheBuildVersion() => Assert.Equal(BuildVersion(), PackageSchema.Version);

    [Fact]
    public void SchemaJson_CarriesTheBuildVersion()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Repo.File("schema.json")));
        Assert.Equal(BuildVersion(), schema.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void CliVersion_IsTheBuildVersion()
    {
        var (code, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(BuildVersion(), stdout.Trim());
    }

    [Fact]
    public void Readme_PluginInstallLine_NamesTheBuildVersion()
    {
        var readme = File.ReadAllText(Repo.File("README.md"));
        var lines = System.Text.RegularExpressions.Regex.Matches(readme, @"pulumi plugin install resource multinode (\S+)");
        Assert.NotEmpty(lines);
        Assert.All(lines, m => Assert.Equal(BuildVersion(), m.Groups[1].Value));
    }
}
