using System.Text;
using System.Text.Json;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Schema;
/// <summary>The schema's type names, enums and descriptions.</summary>
public static partial class PackageSchema
{
    /// <summary>Enum values: the spec's own list, or the canonical GPU names for the GPU type.</summary>
    private static IReadOnlyList<(string Value, string Description)>? EnumValues(InputSpec spec)
    {
        if (spec.Enum is { } e) return [.. e.Select(v => (v, ""))];
        if (ReferenceEquals(spec, WorkloadInputs.Resources.Single(r => r.Name == "gpu").Property("type")))
            return [.. GpuTypes.All.Select(g => (g.Name, g.Description))];
        return null;
    }

    private static void WriteEnum(Utf8JsonWriter w, InputSpec spec, IReadOnlyList<(string Value, string Description)> values)
    {
        w.WriteStartObject();
        w.WriteString("type", "string");
        w.WriteString("description", spec.Description);
        w.WriteStartArray("enum");
        foreach (var (value, description) in values)
        {
            w.WriteStartObject();
            w.WriteString("name", EnumName(value));
            w.WriteString("value", value);
            if (description.Length > 0) w.WriteString("description", description);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>"a100-80gb" → "A100_80GB", "aws-sqs" → "AwsSqs": a name every SDK language accepts.</summary>
    internal static string EnumName(string value)
    {
        if (value.Any(char.IsDigit)) return value.ToUpperInvariant().Replace('-', '_');
        return string.Concat(value.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
    }

    private static string Token(TypeRegistry types, string scope, string path, InputSpec spec)
    {
        var key = scope == "config:" ? scope + path : path;
        var name = TypeNames.TryGetValue(key, out var n) ? n
            : TargetTypeName(types, scope, path, spec) ?? char.ToUpperInvariant(spec.Name[0]) + spec.Name[1..];
        return $"{Package}:index:{name}";
    }

    /// <summary>A target's config block is its settings type (<c>AwsSettings</c>); an object right inside it is named
    /// after the target and the object (<c>KubernetesQueue</c>); null for any other spec.</summary>
    private static string? TargetTypeName(TypeRegistry types, string scope, string path, InputSpec spec)
    {
        var parts = path.Split('.');
        if (scope != "config:" || !types.Targets.Contains(parts[0], StringComparer.Ordinal)) return null;
        return parts.Length switch
        {
            1 => EnumName(parts[0]) + "Settings",
            2 when spec.Type == InputType.Object => EnumName(parts[0]) + EnumName(parts[1]),
            _ => null,
        };
    }

    private static void Define(TypeRegistry types, string token, InputSpec spec, Action<Utf8JsonWriter> write)
    {
        // The same spec object (e.g. resources, shared by every kind) is met many times; two different specs
        // must not claim one token.
        if (types.Owners.TryGetValue(token, out var owner) && !ReferenceEquals(owner, spec))
            throw new InvalidOperationException($"two different inputs both want the schema type {token}; name one in TypeNames");
        types.Owners[token] = spec;
        types.Writers.TryAdd(token, write);
    }

    /// <summary>The object and enum types met while writing properties, and the spec each token stands for.</summary>
    private sealed class TypeRegistry(IReadOnlyList<string> targets)
    {
        /// <summary>The targets' names.</summary>
        public IReadOnlyList<string> Targets { get; } = targets;

        public SortedDictionary<string, Action<Utf8JsonWriter>> Writers { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, InputSpec> Owners { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The spec's description with its default and limits, so every SDK's docs show them.</summary>
    internal static string Describe(InputSpec spec)
    {
        var text = new StringBuilder(spec.Description);
        var facts = new List<string>();
        if (spec.Min is { } min && spec.Max is { } max) facts.Add($"Allowed: {Format(min)} to {Format(max)}.");
        else if (spec.Min is { } lo) facts.Add($"At least {Format(lo)}.");
        else if (spec.Max is { } hi) facts.Add($"At most {Format(hi)}.");
        if (spec.Enum is { } e) facts.Add($"One of: {string.Join(", ", e)}.");
        if (spec.Default is { } d) facts.Add($"Default: {d.Display()}.");
        foreach (var fact in facts) text.Append(' ').Append(fact);
        return text.ToString();
    }

    private static string Format(double d) => Numbers.Exact(d);
}
