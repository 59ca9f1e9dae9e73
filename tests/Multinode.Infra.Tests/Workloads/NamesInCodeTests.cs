using System.Text;
using System.Text.RegularExpressions;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

/// <summary>
/// Issue 23's measure of "one definition per kind and per target, all the way through": in src/, a kind is named in
/// code only by its definition (Workloads/Kinds/NAME.cs), the kind list (Workloads/Kinds/WorkloadKinds.cs) and each
/// target's mapping (Targets/TARGET/TARGETKinds.cs); a target only by its own folder (Targets/TARGET/) and the target
/// list (Targets/ITarget.cs). Every other file that names one is in <see cref="Allowed"/>, with why.
/// </summary>
public sealed class NamesInCodeTests
{
    /// <summary>Files outside the definitions that may write a kind's or target's name, each with why.</summary>
    private static readonly Dictionary<(string File, string Name), string> Allowed = new()
    {
        // The worker does each platform's duties with its own code (AWS: instance protection and lifecycle hook;
        // Kubernetes: pod deletion cost), so the contract names the platforms the plans write.
        [("src/Multinode.Contracts/WorkerContract.cs", "aws")] = "the worker's platforms (MULTINODE_PLATFORM)",
        [("src/Multinode.Contracts/WorkerContract.cs", "kubernetes")] = "the worker's platforms (MULTINODE_PLATFORM)",
        // The plugin's selectInstanceType function answers with an EC2 instance type: the AWS target's selection.
        [("src/Multinode.Infra.Provider/InstanceTypeSelector.cs", "aws")] = "selectInstanceType is the AWS target's",
        // Construct asks the engine's aws provider for the VPC of aws.subnetIds[0] when aws.vpcId is not given.
        [("src/Multinode.Infra.Provider/SubnetVpcLookup.cs", "aws")] = "the AWS target's vpcId lookup through the engine",
        // KEDA's podIdentity.provider = "aws" (KEDA docs, "AWS EKS Pod Identity"): KEDA's word for AWS, not the target.
        [("src/Multinode.Infra/Targets/Kubernetes/QueueTriggers.cs", "aws")] = "KEDA's podIdentity provider value",
        // An IAM trust policy's Principal element { "Service": "ec2.amazonaws.com" } (IAM JSON policy reference).
        [("src/Multinode.Infra/Targets/Aws/AwsIdentity.cs", "Service")] = "the IAM policy element Principal.Service",
    };

    private static readonly string[] KindNames = [.. KindRegistry.Default.All.Select(k => k.Name)];

    private static readonly string[] TargetNames = [.. KindRegistry.Default.Targets.Select(t => t.Name)];

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>Where a kind is written: its record or kind class, the bare name as an identifier, or a string that is
    /// its name (either case) or its token.</summary>
    private static bool NamesKind(string kind, (string Code, IReadOnlyList<string> Literals) source) =>
        Regex.IsMatch(source.Code, $@"\b{kind}(Workload|Kind)?\b") ||
        source.Literals.Any(l => l == kind || l == kind.ToLowerInvariant() || l == $"multinode:index:{kind}");

    /// <summary>Where a target is written: its target, config, mapping or shape type, its namespace, or a string that is
    /// its name.</summary>
    private static bool NamesTarget(string target, (string Code, IReadOnlyList<string> Literals) source) =>
        Regex.IsMatch(source.Code, $@"\b{Pascal(target)}(Target|Config|Kinds|Mapping|Shape)\b|\bTargets\.{Pascal(target)}\b") ||
        source.Literals.Contains(target);

    private static IEnumerable<(string File, string Name)> Naming()
    {
        var src = Repo.File("src");
        foreach (var file in Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin")))
        {
            var path = Path.GetRelativePath(Repo.Root(), file).Replace('\\', '/');
            var source = Split(File.ReadAllText(file));
            foreach (var kind in KindNames.Where(k => NamesKind(k, source)))
            {
                var definition = path == $"src/Multinode.Infra/Workloads/Kinds/{kind}.cs" ||
                    path == "src/Multinode.Infra/Workloads/Kinds/WorkloadKinds.cs" ||
                    TargetNames.Any(t => path == $"src/Multinode.Infra/Targets/{Pascal(t)}/{Pascal(t)}Kinds.cs");
                if (!definition) yield return (path, kind);
            }
            foreach (var target in TargetNames.Where(t => NamesTarget(t, source)))
            {
                var definition = path.StartsWith($"src/Multinode.Infra/Targets/{Pascal(target)}/", StringComparison.Ordinal) ||
                    path == "src/Multinode.Infra/Targets/ITarget.cs";
                if (!definition) yield return (path, target);
            }
        }
    }

    [Fact]
    public void Sources_NameKindsAndTargetsOnlyInTheirDefinitions()
    {
        var naming = Naming().ToList();
        var outside = naming.Where(n => !Allowed.ContainsKey(n)).Select(n => $"{n.File} names {n.Name}").ToList();
        Assert.True(outside.Count == 0, string.Join("\n", outside));
        // Every allowance is still needed.
        Assert.Empty(Allowed.Keys.Except(naming));
    }

    [Theory]
    [InlineData("var w = x is JobWorkload;", "Job", true)]
    [InlineData("w.Job = null;", "Job", true)]
    [InlineData("var s = \"job\";", "Job", true)]
    [InlineData("var t = \"multinode:index:Job\";", "Job", true)]
    [InlineData("var s = new V1JobSpec(); EndJobAsync();", "Job", false)]
    [InlineData("// a Job runs once\nvar s = \"a Job\";", "Job", false)]
    public void NamesKind_CountsIdentifiersAndWholeStrings(string code, string kind, bool names) =>
        Assert.Equal(names, NamesKind(kind, Split(code)));

    [Theory]
    [InlineData("var t = AwsTarget.Default;", true)]
    [InlineData("using Multinode.Infra.Targets.Aws;", true)]
    [InlineData("if (name == \"aws\") { }", true)]
    [InlineData("var c = new AwsQueryClient(); // aws", false)]
    [InlineData("var s = \"aws-sqs\";", false)]
    public void NamesTarget_CountsTypesNamespacesAndWholeStrings(string code, bool names) =>
        Assert.Equal(names, NamesTarget("aws", Split(code)));

    /// <summary>C# source without its comments, and the text of its string and character literals (interpolation holes
    /// included: good enough to count names).</summary>
    internal static (string Code, IReadOnlyList<string> Literals) Split(string source)
    {
        var code = new StringBuilder(source.Length);
        var literals = new List<string>();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            var next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/') i = source.IndexOf('\n', i) is var end and >= 0 ? end : source.Length;
            else if (c == '/' && next == '*') i = source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : source.Length;
            else if (c == '"' && source.AsSpan(i).StartsWith("\"\"\""))
            {
                var quotes = 0;
                while (i + quotes < source.Length && source[i + quotes] == '"') quotes++;
                var close = source.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                literals.Add(source[(i + quotes)..(close >= 0 ? close : source.Length)]);
                i = close >= 0 ? close + quotes : source.Length;
                code.Append(' ');
            }
            else if (c == '"' || c == '\'')
            {
                var verbatim = i > 0 && (source[i - 1] == '@' || (source[i - 1] == '$' && i > 1 && source[i - 2] == '@'));
                var start = ++i;
                while (i < source.Length)
                {
                    if (!verbatim && source[i] == '\\') i += 2;
                    else if (verbatim && source[i] == '"' && i + 1 < source.Length && source[i + 1] == '"') i += 2;
                    else if (source[i] == c) { i++; break; }
                    else i++;
                }
                literals.Add(source[start..Math.Max(start, Math.Min(i - 1, source.Length))]);
                code.Append(' ');
            }
            else
            {
                code.Append(c);
                i++;
            }
        }
        return (code.ToString(), literals);
    }
}
