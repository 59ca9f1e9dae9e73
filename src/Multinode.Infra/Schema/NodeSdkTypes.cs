using System.Text;
using System.Text.Json;

namespace Multinode.Infra.Schema;

/// <summary>
/// TypeScript types for the schema's property specs: enums as const objects with a union type, object types as
/// <c>…Args</c> interfaces with <c>pulumi.Input</c> at every level, and plain types for outputs.
/// </summary>
internal sealed class NodeSdkTypes(JsonElement types)
{
    /// <summary>types.ts: every enum and object type of the schema, in token order.</summary>
    public string Module()
    {
        var s = new StringBuilder(NodeSdk.Header);
        s.Append("import * as pulumi from \"@pulumi/pulumi\";\n");
        foreach (var type in types.EnumerateObject().OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var name = TypeName(type.Name);
            var description = type.Value.GetProperty("description").GetString()!;
            s.Append('\n');
            if (type.Value.TryGetProperty("enum", out var values))
            {
                s.Append(Doc(description, null, ""));
                s.Append($"export const {name} = {{\n");
                foreach (var v in values.EnumerateArray())
                {
                    if (v.TryGetProperty("description", out var d)) s.Append(Doc(d.GetString()!, null, "    "));
                    var value = Quote(v.GetProperty("value").GetString()!);
                    s.Append($"    {v.GetProperty("name").GetString()}: {value},\n");
                }
                s.Append("} as const;\n\n");
                s.Append(Doc(description, null, ""));
                s.Append($"export type {name} = (typeof {name})[keyof typeof {name}];\n");
                continue;
            }
            var required = type.Value.TryGetProperty("required", out var r)
                ? r.EnumerateArray().Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
            s.Append(Doc(description, null, ""));
            s.Append($"export interface {name}Args {{\n");
            foreach (var p in type.Value.GetProperty("properties").EnumerateObject())
                s.Append(Property(p, required.Contains(p.Name), "    ", ""));
            s.Append("}\n");
        }
        return s.ToString();
    }

    /// <summary>One input property of an interface, with its doc comment.</summary>
    public string Property(JsonProperty p, bool required, string indent, string prefix = "types.")
    {
        var description = p.Value.GetProperty("description").GetString()!;
        var defaultValue = p.Value.TryGetProperty("default", out var d) ? d.GetRawText() : null;
        return Doc(description, defaultValue, indent) +
            $"{indent}{p.Name}{(required ? "" : "?")}: pulumi.Input<{Input(p.Value, prefix)}>;\n";
    }

    /// <summary>True when the property is an object (a $ref to an object type or a map).</summary>
    public bool IsObject(JsonElement spec) =>
        spec.TryGetProperty("$ref", out var r) && !Referenced(r.GetString()!).TryGetProperty("enum", out _)
        || spec.TryGetProperty("additionalProperties", out _);

    /// <summary>The input type of a property, without the outer pulumi.Input.</summary>
    private string Input(JsonElement spec, string prefix)
    {
        if (spec.TryGetProperty("oneOf", out var oneOf))
        {
            var alternatives = oneOf.EnumerateArray().Select(o => Input(o, prefix)).Distinct(StringComparer.Ordinal);
            return string.Join(" | ", alternatives);
        }
        if (spec.TryGetProperty("$ref", out var reference))
        {
            var token = reference.GetString()!;
            var name = prefix + TypeName(token);
            return Referenced(token).TryGetProperty("enum", out _) ? name : name + "Args";
        }
        return spec.GetProperty("type").GetString() switch
        {
            "array" => $"pulumi.Input<{Input(spec.GetProperty("items"), prefix)}>[]",
            "object" => $"{{ [key: string]: pulumi.Input<{Input(spec.GetProperty("additionalProperties"), prefix)}> }}",
            var t => Scalar(t!),
        };
    }

    /// <summary>The type of an output property, without the outer pulumi.Output.</summary>
    public string Output(JsonElement spec)
    {
        if (spec.TryGetProperty("$ref", out var reference))
        {
            var token = reference.GetString()!;
            if (!Referenced(token).TryGetProperty("enum", out _))
                throw new InvalidOperationException(
                    $"output type {token}: the nodejs SDK has no output object types yet");
            return "types." + TypeName(token);
        }
        return spec.GetProperty("type").GetString() switch
        {
            "array" => $"{Output(spec.GetProperty("items"))}[]",
            "object" => $"{{ [key: string]: {Output(spec.GetProperty("additionalProperties"))} }}",
            var t => Scalar(t!),
        };
    }

    private static string Scalar(string type) => type switch
    {
        "string" => "string",
        "integer" or "number" => "number",
        "boolean" => "boolean",
        _ => throw new InvalidOperationException($"no TypeScript type for schema type {type}"),
    };

    private JsonElement Referenced(string reference) => types.GetProperty(reference["#/types/".Length..]);

    private static string TypeName(string token) => token.Split(':')[^1].Split('/')[^1];

    private static string Quote(string s) =>
        "\"" + JsonEncodedText.Encode(s, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    /// <summary>A JSDoc comment: the description (which carries the limits and default) and a @default tag.</summary>
    public static string Doc(string description, string? defaultValue, string indent)
    {
        var s = new StringBuilder($"{indent}/**\n");
        foreach (var line in Wrap(description.Replace("*/", "*\\/", StringComparison.Ordinal), 100))
            s.Append($"{indent} * {line}\n");
        if (defaultValue is not null) s.Append($"{indent} * @default {defaultValue}\n");
        s.Append($"{indent} */\n");
        return s.ToString();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
