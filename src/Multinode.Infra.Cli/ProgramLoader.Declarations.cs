using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

public static partial class ProgramLoader
{
    /// <summary>
    /// The text of a resource's or variable's declaration, with the declarations it reads through <c>${...}</c>
    /// (each once): what an output known only at deployment is made of. Two programs that declare a resource alike
    /// give its outputs equal provenance, so a diff sees no change; a changed declaration changes them.
    /// </summary>
    private sealed class Declarations(YamlMappingNode? resources, YamlMappingNode? variables)
    {
        private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);

        public string Of(string name)
        {
            if (_texts.TryGetValue(name, out var known)) return known;
            var text = new StringBuilder();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            Append(name, text, seen);
            return _texts[name] = text.ToString();
        }

        private void Append(string name, StringBuilder text, HashSet<string> seen)
        {
            if (!seen.Add(name)) return;
            var node = Find(resources, "resource ") ?? Find(variables, "variable ");
            if (node is null) return;
            text.Append(node.Value.Kind).Append(name).Append('=');
            var reads = new List<string>();
            Canonical(node.Value.Node, text, reads);
            text.Append(';');
            foreach (var read in reads) Append(read, text, seen);

            (string Kind, YamlNode Node)? Find(YamlMappingNode? map, string kind) =>
                map is not null && map.Children.TryGetValue(new YamlScalarNode(name), out var found)
                    ? (kind, found)
                    : null;
        }

        private static void Canonical(YamlNode node, StringBuilder text, List<string> reads)
        {
            switch (node)
            {
                case YamlScalarNode scalar:
                    var value = scalar.Value ?? "";
                    text.Append(scalar.Style is YamlDotNet.Core.ScalarStyle.Plain ? "p" : "q")
                        .Append(value.Length).Append(':').Append(value);
                    foreach (Match m in Interpolation().Matches(value))
                        if (m.Groups[1].Success) reads.Add(m.Groups[1].Value.Split('.', '[')[0].Trim());
                    break;
                case YamlSequenceNode sequence:
                    text.Append('[');
                    foreach (var item in sequence.Children) Canonical(item, text, reads);
                    text.Append(']');
                    break;
                case YamlMappingNode mapping:
                    text.Append('{');
                    foreach (var (key, item) in mapping.Children)
                    {
                        Canonical(key, text, reads);
                        Canonical(item, text, reads);
                    }
                    text.Append('}');
                    break;
            }
        }
    }
}
