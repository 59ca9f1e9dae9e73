using System.Text.Json;

namespace Multinode.Infra.Provider.Tests;

public sealed class ChildProvidersTests
{
    /// <summary>The engine loads the child provider version the plugin names; it must be the SDK version whose
    /// input shapes the type check verified, or a preview may reject shapes the tests accepted.</summary>
    [Theory]
    [InlineData("aws", "@pulumi/aws")]
    [InlineData("kubernetes", "@pulumi/kubernetes")]
    public void VersionOf_Package_IsTheTypeCheckedSdkVersion(string package, string sdk)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root(), "tests", "typecheck", "package.json")));
        Assert.Equal(json.RootElement.GetProperty("dependencies").GetProperty(sdk).GetString(), ChildProviders.VersionOf(package));
    }
}
