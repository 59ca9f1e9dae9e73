namespace Multinode.Infra.Cli.Tests;

/// <summary>`multinode schema` prints schema.json; `multinode schema --sdk nodejs OUT` writes the committed
/// SDK.</summary>
public sealed class SchemaCommandTests
{
    [Fact]
    public void Schema_PrintsSchemaJson()
    {
        var (code, stdout, stderr) = CliRunner.Run("schema");
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Repo.File("schema.json")), stdout.ReplaceLineEndings("\n"));
        Assert.Empty(stderr);
    }

    [Fact]
    public void SchemaSdkNodejs_WritesTheCommittedSdk()
    {
        var folder = Directory.CreateTempSubdirectory("multinode-sdk-").FullName;
        try
        {
            var (code, _, stderr) = CliRunner.Run("schema", "--sdk", "nodejs", folder);
            Assert.True(code == 0, stderr);
            var written = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Contains("function.ts", written);
            Assert.Contains("package.json", written);
            foreach (var file in written)
            {
                Assert.Equal(File.ReadAllText(Repo.File("sdk", "nodejs", file!)),
                    File.ReadAllText(Path.Combine(folder, file!)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--sdk", "nodejs")]
    [InlineData("--sdk", "python", "out")]
    public void SchemaSdk_WithoutFolderOrWithAnotherLanguage_IsAUsageError(params string[] args)
    {
        var (code, _, stderr) = CliRunner.Run(["schema", .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr);
    }
}
