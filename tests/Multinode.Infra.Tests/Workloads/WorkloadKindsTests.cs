using System.Text.RegularExpressions;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

public sealed partial class WorkloadKindsTests
{
    [GeneratedRegex(@"\b\w*ScheduledTask\w*\b")]
    private static partial Regex ScheduledTaskIdentifier();

    /// <summary>Issue 11's measure of "a kind is one definition": the ScheduledTask kind is named in code (comments and
    /// string literals do not count) in at most 4 source files: its definition, the kinds list, and one mapping per target.</summary>
    [Fact]
    public void Sources_NameTheScheduledTaskKindInAtMostFourFiles()
    {
        var src = Repo.File("src");
        var naming = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Where(f => ScheduledTaskIdentifier().IsMatch(Code(File.ReadAllText(f))))
            .Select(f => Path.GetRelativePath(Repo.Root(), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("src/Multinode.Infra/Workloads/Kinds/ScheduledTask.cs", naming);
        Assert.Contains("src/Multinode.Infra/Workloads/Kinds/WorkloadKinds.cs", naming);
        Assert.True(naming.Count <= 4, $"{naming.Count} source files name the ScheduledTask kind (at most 4): {string.Join(", ", naming)}");
    }

    [Theory]
    [InlineData("var t = x is ScheduledTaskWorkload;", true)]
    [InlineData("// a ScheduledTask runs once", false)]
    [InlineData("/* ScheduledTask */ var a = 1;", false)]
    [InlineData("var s = \"a ScheduledTask\";", false)]
    [InlineData("var s = @\"a \"\"ScheduledTask\"\"\";", false)]
    [InlineData("var s = \"\"\"\n ScheduledTask \"\n \"\"\";", false)]
    [InlineData("var c = '\"'; var k = ScheduledTaskKind.Instance;", true)]
    [InlineData("var s = \"http://x\"; var k = ScheduledTaskKind.Instance;", true)]
    public void Code_LeavesOutCommentsAndStrings(string source, bool names) =>
        Assert.Equal(names, ScheduledTaskIdentifier().IsMatch(Code(source)));

    /// <summary>C# source without its comments and string and character literals (<see
    /// cref="NamesInCodeTests"/> reads code the same way).</summary>
    private static string Code(string source) => NamesInCodeTests.Split(source).Code;

    [Fact]
    public void All_ListsEachKindOnceWithItsToken()
    {
        Assert.Equal(["Function", "Job", "Service", "ScheduledTask", "Daemon"], WorkloadKinds.All.Select(k => k.Name));
        Assert.Equal("multinode:index:Function", FunctionKind.Instance.Token);
        Assert.Same(JobKind.Instance, KindRegistry.Default.FromToken("multinode:index:Job"));
        Assert.Null(KindRegistry.Default.FromToken("multinode:index:job"));
    }

    /// <summary>Settings are read back through each input's declaration: reading them again gives the same settings,
    /// and each setting is an input of the kind.</summary>
    [Fact]
    public void Settings_EachKind_AreItsInputsAndReadBackUnchanged()
    {
        foreach (var kind in WorkloadKinds.All)
        {
            var declared = new PropertyMap([("image", "app"), .. kind.OwnInputs.Where(i => i.Required).Select(i => (i.Name, (PropertyValue?)PropertyValue.From("0 3 * * *")))]);
            var first = WorkloadReader.Read(kind, "w", declared);
            Assert.True(first.IsValid, $"{kind}: {string.Join("\n", first.Failures)}");
            var settings = first.Value!.Settings();
            Assert.Empty(settings.Keys.Except(kind.Inputs.Select(i => i.Name)));
            Assert.Superset(kind.OwnInputs.Where(i => i.Default is not null).Select(i => i.Name).ToHashSet(), settings.Keys.ToHashSet());
            var again = WorkloadReader.Read(kind, "w", settings);
            Assert.True(again.IsValid, $"{kind}: {string.Join("\n", again.Failures)}");
            Assert.Equal(settings, again.Value!.Settings());
        }
    }

    [Fact]
    public void Registry_SecondKindOfTheSameName_IsRefused() =>
        Assert.Throws<ArgumentException>(() => KindRegistry.Default.With(FunctionKind.Instance));
}
