using System.Globalization;
using System.Text.RegularExpressions;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

/// <summary>YAML nodes to property values: declared config values, interpolation and YAML 1.2 core-schema typing.</summary>
public static partial class ProgramLoader
{
    /// <summary>A project config entry: a plain value, or a declaration whose value is under value or default.</summary>
    private static PropertyValue? DeclaredValue(YamlNode node, out YamlNode? valueNode)
    {
        valueNode = null;
        if (node is YamlMappingNode map && map.Children.Keys.All(k => DeclarationKeys.Contains(Key(k))))
        {
            var value = valueNode = Child(map, "value") ?? Child(map, "default");
            if (value is null) return null;
            var converted = Convert(value, _ => null);
            return Scalar(map, "secret") == "true" ? PropertyValue.Secret(converted) : converted;
        }
        return Convert(node, _ => null);
    }

    [GeneratedRegex(@"\$\$\{|\$\{([^}]*)\}")]
    private static partial Regex Interpolation();

    /// <summary>YAML to a property value, typing plain scalars by YAML 1.2's core schema.</summary>
    internal static PropertyValue Convert(YamlNode node, Func<string, PropertyValue?> resolve) =>
        new Converter(resolve, (_, _) => { }).Convert(node, "");

    /// <summary>Converts YAML to property values, resolving <c>${...}</c> and noting where each property path is.</summary>
    private sealed class Converter(Func<string, YamlNode, string, PropertyValue?> resolve, Action<string, YamlNode> place)
    {
        public Converter(Func<string, PropertyValue?> resolve, Action<string, YamlNode> place) : this((name, _, _) => resolve(name), place)
        {
        }

        public PropertyValue Convert(YamlNode node, string path)
        {
            place(path, node);
            switch (node)
            {
                case YamlScalarNode scalar:
                    var text = scalar.Value ?? "";
                    if (scalar.Style is ScalarStyle.Plain && TypedPlain(text) is { } typed) return typed;
                    return Interpolate(text, name => resolve(name, node, path));
                case YamlSequenceNode sequence:
                    return PropertyValue.From(sequence.Children.Select((c, i) => Convert(c, $"{path}[{i}]")));
                case YamlMappingNode mapping:
                    if (mapping.Children.Count == 1 && Key(mapping.Children.Keys.First()) is var only && only.StartsWith("fn::", StringComparison.Ordinal))
                    {
                        var argument = Convert(mapping.Children.Values.First(), path);
                        // Any other function runs at deployment: its result is made of its name and arguments.
                        return only == "fn::secret"
                            ? PropertyValue.Secret(argument)
                            : PropertyValue.UnknownFrom(only, argument);
                    }
                    if (mapping.Children.Count == 1 && Key(mapping.Children.Keys.First()) == "secure")
                    {
                        // Encrypted config: the same ciphertext is the same value.
                        return PropertyValue.Secret(PropertyValue.UnknownFrom("secure",
                            Convert(mapping.Children.Values.First(), path) is StringValue cipher
                                ? cipher
                                : PropertyValue.Unknown));
                    }
                    return PropertyValue.From(new PropertyMap(mapping.Children.Select(c =>
                        KeyValuePair.Create(Key(c.Key), Convert(c.Value, InputReader.Join(path, Key(c.Key)))))));
                default:
                    return PropertyValue.Null;
            }
        }
    }

    private static PropertyValue Interpolate(string text, Func<string, PropertyValue?> resolve)
    {
        // Both of the pattern's forms contain "${": most scalars have none and skip the regex.
        if (!text.Contains("${", StringComparison.Ordinal)) return text;
        var matches = Interpolation().Matches(text);
        if (matches.Count == 0) return text;
        if (matches.Count == 1 && matches[0].Value != "$${" && matches[0].Length == text.Length)
            return Resolved(matches[0]);
        // Literal text and resolved values joined by the one rule for derived strings (PropertyValue.Concat).
        var parts = new List<PropertyValue>();
        var at = 0;
        foreach (Match m in matches)
        {
            parts.Add(text[at..m.Index]);
            if (m.Value == "$${")
            {
                parts.Add("${");
            }
            else
            {
                var value = Resolved(m);
                parts.Add(value is ObjectValue or ArrayValue or NullValue
                    ? PropertyValue.UnknownFrom("text of", value)
                    : value);
            }
            at = m.Index + m.Length;
        }
        parts.Add(text[at..]);
        return PropertyValue.Concat(parts);

        PropertyValue Resolved(Match m)
        {
            // A name the program does not declare (a problem of its own): nothing is known of what it is.
            return resolve(m.Groups[1].Value.Trim()) ?? PropertyValue.Unknown;
        }
    }

    private static PropertyValue? TypedPlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return PropertyValue.Null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
        }
        if (NumberPattern().IsMatch(text) &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
            return hex;
        return null;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
