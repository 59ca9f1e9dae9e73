using System.Runtime.CompilerServices;

namespace Multinode.Testing;

/// <summary>Paths inside the repository, found from this source file so tests run from any folder. The one Repo helper:
/// every test project references this project (a project may add members with an <c>extension(Repo)</c> block).</summary>
public static class Repo
{
    public static string Root() => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));

    private static string ThisFile([CallerFilePath] string path = "") => path;

    public static string File(params string[] parts) => Path.Combine([Root(), .. parts]);

    /// <summary>The one version of the build, from Directory.Build.props.</summary>
    public static string BuildVersion() =>
        System.Xml.Linq.XDocument.Load(File("Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>Every Pulumi YAML program the repository ships: the root one and each example.</summary>
    public static IEnumerable<string> Programs() =>
        new[] { File("Pulumi.yaml") }.Concat(
            Directory.GetFiles(File("examples"), "Pulumi.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
}
