using System.Text.Json;
using Multinode.Infra.Schema;

namespace Multinode.Infra.Tests;

/// <summary>One version everywhere, from Directory.Build.props: the schema, schema.json, the README (the CLI's: VersionCommandTests).</summary>
public sealed class VersionTests
{
    [Fact]
    public void PackageSchemaVersion_IsTheBuildVersion() => Assert.Equal(Repo.BuildVersion(), PackageSchema.Version);

    [Fact]
    public void SchemaJson_CarriesTheBuildVersion()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Repo.File("schema.json")));
        Assert.Equal(Repo.BuildVersion(), schema.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public void Readme_PluginInstallLine_NamesTheBuildVersion()
    {
        var readme = File.ReadAllText(Repo.File("README.md"));
        var lines = System.Text.RegularExpressions.Regex.Matches(readme, @"pulumi plugin install resource multinode (\S+)");
        Assert.NotEmpty(lines);
        Assert.All(lines, m => Assert.Equal(Repo.BuildVersion(), m.Groups[1].Value));
    }
}
