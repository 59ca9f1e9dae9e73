namespace Multinode.Testing;

/// <summary>Compares text with a committed golden file under tests/Multinode.Infra.Tests/Golden.
/// Set UPDATE_GOLDEN=1 to rewrite the files instead (then review the diff and commit it).</summary>
public static class GoldenFile
{
    public static string Folder() => Repo.File("tests", "Multinode.Infra.Tests", "Golden");

    public static void Assert(string name, string actual) => AssertFile(Path.Combine(Folder(), name), actual);

    /// <summary>The same for a golden file elsewhere in the repository (e.g. a rendered example).</summary>
    public static void AssertFile(string path, string actual)
    {
        var name = Path.GetFileName(path);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Xunit.Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            Xunit.Assert.Fail($"{name} drifted from its golden file; if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff.\n" +
                FirstDifference(expected, actual));
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al) return $"line {i + 1}:\n  expected: {el}\n  actual:   {al}";
        }
        return "";
    }
}
