using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Tests;

/// <summary>Every locked Node package accepts the Node this machine runs (what `npm ci` warns about as EBADENGINE).</summary>
public sealed partial class NodePackagesTests
{
    [Theory]
    [InlineData("cli-node")]
    [InlineData("conformance")]
    [InlineData("sdk")]
    [InlineData("typecheck")]
    [InlineData("worker-sqs")]
    public void LockFile_EveryPackage_SupportsTheInstalledNode(string project)
    {
        var (code, output) = Node.Run(Repo.Root(), "node", "--version");
        Assert.Equal(0, code);
        var node = Version(output.Trim().TrimStart('v'));
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Repo.File("tests", project, "package-lock.json")));
        var refused = lockFile.RootElement.GetProperty("packages").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("engines", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("node", out _))
            .Select(p => (Package: p.Name, Range: p.Value.GetProperty("engines").GetProperty("node").GetString()!))
            .Where(p => !Satisfies(node, p.Range))
            .Select(p => $"{p.Package}: node {p.Range}")
            .ToList();
        Assert.True(refused.Count == 0, $"packages that refuse node {output.Trim()}: {string.Join("; ", refused)}");
    }

    [Theory]
    [InlineData("20.20.2", ">=22", false)]
    [InlineData("20.20.2", "^20.17.0 || >=22.9.0", true)]
    [InlineData("20.5.0", "^20.17.0 || >=22.9.0", false)]
    [InlineData("20.20.2", "18 || 20 || >=22", true)]
    [InlineData("20.20.2", "6.* || 8.* || >= 10.*", true)]
    [InlineData("20.20.2", ">=16 || 14 >=14.17", true)]
    [InlineData("20.20.2", ">=v14", true)]
    [InlineData("20.20.2", "*", true)]
    public void Satisfies_NpmRanges(string version, string range, bool expected) => Assert.Equal(expected, Satisfies(Version(version), range));

    private static int[] Version(string text) =>
        [.. text.TrimStart('v').Split('.').Select(p => p is "*" or "x" ? -1 : int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"(>=|<=|>|<|=|\^|~)\s+")]
    private static partial Regex SpaceAfterOperator();

    /// <summary>The subset of npm's semver ranges that engine fields use: ||, comparators, ^, ~, x-ranges.</summary>
    private static bool Satisfies(int[] v, string range) =>
        range.Split("||").Any(part => SpaceAfterOperator().Replace(part.Trim(), "$1")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).All(c => Comparator(v, c)));

    private static bool Comparator(int[] v, string c)
    {
        if (c is "*" or "x") return true;
        var op = Regex.Match(c, "^(>=|<=|>|<|=|\\^|~)?").Value;
        var w = Version(c[op.Length..]);
        int Compare()
        {
            for (var i = 0; i < 3; i++)
            {
                var b = i < w.Length ? w[i] : 0;
                if (b < 0) return 0;
                if (v[i] != b) return v[i].CompareTo(b);
            }
            return 0;
        }
        bool Prefix() => w.Select((part, i) => part < 0 || v[i] == part).All(x => x);
        return op switch
        {
            ">=" => Compare() >= 0,
            ">" => Compare() > 0,
            "<=" => Compare() <= 0,
            "<" => Compare() < 0,
            "^" => v[0] == w[0] && Compare() >= 0,
            "~" => v[0] == w[0] && (w.Length < 2 || v[1] == w[1]) && Compare() >= 0,
            _ => Prefix(),
        };
    }
}
