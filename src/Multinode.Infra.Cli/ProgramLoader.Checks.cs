using Multinode.Infra.Values;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

/// <summary>What a program's shape must be before its resources are read: its runtime, its sections, a resource's
/// keys.</summary>
public static partial class ProgramLoader
{
    /// <summary>The keys of a resource in Pulumi YAML
    /// (https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/#resources).</summary>
    private static readonly string[] ResourceKeys = ["type", "properties", "options", "defaultProvider", "get"];

    /// <summary>How failures about the program as a whole name it.</summary>
    private const string ProgramLabel = "program";

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"the text {PropertyValue.QuoteShort(s.Value ?? "")}",
        _ => "a mapping",
    };

    /// <summary>The CLI reads Pulumi YAML, and runs a Node program (true) when it can (<paramref name="node"/>: the
    /// program is on disk or in git); a program in another language is described by its own code, which only the
    /// engine runs (the provider validates it there).</summary>
    private static bool CheckRuntime(YamlMappingNode root, string file, bool node)
    {
        var runtimeNode = Child(root, "runtime");
        var runtime = runtimeNode switch
        {
            YamlScalarNode s => s.Value,
            YamlMappingNode m => Scalar(m, "name"),
            _ => null,
        };
        if (runtimeNode is null || runtime is "yaml") return false;
        if (runtime is "nodejs" && node) return true;
        throw new ProgramLoadException(
            $"{file}:{runtimeNode.Start.Line}:{runtimeNode.Start.Column}: runtime is {PropertyValue.QuoteShort(runtime ?? "")}, " +
            "but multinode reads Pulumi YAML programs (runtime: yaml), whose resources are declared in Pulumi.yaml " +
            "itself, and runs Node.js programs (runtime: nodejs). A program in another language is checked when " +
            "`pulumi preview` runs it (the provider validates every workload there); to use the CLI, " +
            "declare the workloads in a Pulumi.yaml with runtime: yaml");
    }
}
