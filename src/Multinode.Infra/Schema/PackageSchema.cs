using System.Text;
using System.Text.Json;
using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Schema;

/// <summary>
/// Generates the Pulumi package schema (<c>schema.json</c>) from the declared inputs and outputs: the workload
/// inputs, the component outputs, the provider config keys and the functions. Nothing in it is written by hand,
/// so the schema, the validator and the docs cannot disagree.
/// </summary>
public static partial class PackageSchema
{
    /// <summary>The provider's version: the plugin reports it, the schema carries it, `pulumi plugin install` names it.</summary>
    /// Derived from the build's one <c>&lt;Version&gt;</c> (Directory.Build.props).
    public static readonly string Version = typeof(PackageSchema).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

    private const string Package = WorkloadKinds.Package;

    /// <summary>Names of the object and enum types, by the spec's path; a target's block and the objects in it are
    /// named after the target (<see cref="TargetTypeName"/>); the rest are named after the property.</summary>
    private static readonly Dictionary<string, string> TypeNames = new(StringComparer.Ordinal)
    {
        ["config:target"] = "Target",
        ["config:kubernetes.queue.kind"] = "QueueKind",
        ["config:quotas"] = "Quotas",
        ["resources"] = "Resources",
        ["resources.gpu"] = "Gpu",
        ["resources.gpu.type"] = "GpuType",
        // selectInstanceType takes the resource inputs at its top level.
        ["gpu"] = "Gpu",
        ["gpu.type"] = "GpuType",
    };

    /// <summary>The schema with one component resource per kind of <paramref name="kinds"/>, and its targets' names
    /// among the keywords: as indented JSON with a final newline, byte-identical from run to run.</summary>
    public static string Generate(KindRegistry kinds)
    {
        var types = new TypeRegistry([.. kinds.Targets.Select(t => t.Name)]);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOutput.Indented))
        {
            w.WriteStartObject();
            w.WriteString("name", Package);
            w.WriteString("displayName", "Multinode");
            w.WriteString("version", Version);
            w.WriteString("description", $"Multinode workloads ({string.Join(", ", kinds.All.Select(k => k.Name))}) as component resources on AWS (EC2 Auto Scaling) or Kubernetes.");
            w.WriteStartArray("keywords");
            foreach (var k in new[] { "pulumi", "multinode", "category/cloud", "kind/component" }.Concat(types.Targets))
                w.WriteStringValue(k);
            w.WriteEndArray();
            w.WriteString("license", "Apache-2.0");
            w.WriteStartObject("meta");
            w.WriteString("moduleFormat", "(.*)");
            w.WriteEndObject();
            WriteLanguage(w);

            var config = ProviderConfigReader.Inputs;
            w.WriteStartObject("config");
            w.WriteStartObject("variables");
            WriteProperties(w, config, "config:", types);
            w.WriteEndObject();
            WriteRequired(w, "defaults", config);
            w.WriteEndObject();

            w.WriteStartObject("provider");
            w.WriteString("description", "The multinode provider: where workloads go (target) and the settings of that target.");
            w.WriteStartObject("inputProperties");
            WriteProperties(w, config, "config:", types);
            w.WriteEndObject();
            WriteRequired(w, "requiredInputs", config);
            w.WriteEndObject();

            w.WriteStartObject("resources");
            foreach (var kind in kinds.All)
            {
                var inputs = kind.Inputs;
                var outputs = kind.Outputs;
                w.WriteStartObject(kind.Token);
                w.WriteString("description", kind.Description);
                w.WriteBoolean("isComponent", true);
                w.WriteStartObject("inputProperties");
                WriteProperties(w, inputs, "", types);
                w.WriteEndObject();
                WriteRequired(w, "requiredInputs", inputs);
                w.WriteStartObject("properties");
                WriteProperties(w, outputs, "output:", types);
                w.WriteEndObject();
                w.WriteStartArray("required");
                foreach (var o in outputs) w.WriteStringValue(o.Name);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("functions");
            foreach (var function in Functions.All)
            {
                w.WriteStartObject(function.Token);
                w.WriteString("description", function.Description);
                WriteObjectSpec(w, "inputs", function.Inputs, "", types);
                WriteObjectSpec(w, "outputs", function.Outputs, "output:", types);
                w.WriteEndObject();
            }
            w.WriteEndObject();

            w.WriteStartObject("types");
            // Writing a type may discover nested ones: drain until stable, in token order.
            var written = new HashSet<string>(StringComparer.Ordinal);
            while (types.Writers.Keys.FirstOrDefault(k => !written.Contains(k)) is { } next)
            {
                written.Add(next);
                w.WritePropertyName(next);
                types.Writers[next](w);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        var text = Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        // Types are written in discovery order; re-sort them so the file is stable under declaration changes.
        return Sort(text);
    }

    private static string Sort(string text)
    {
        using var document = JsonDocument.Parse(text);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, JsonOutput.Indented))
        {
            w.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "types")
                {
                    property.WriteTo(w);
                    continue;
                }
                w.WriteStartObject("types");
                foreach (var type in property.Value.EnumerateObject().OrderBy(t => t.Name, StringComparer.Ordinal)) type.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteLanguage(Utf8JsonWriter w)
    {
        w.WriteStartObject("language");
        w.WriteStartObject("csharp");
        w.WriteString("rootNamespace", "Multinode.Pulumi");
        w.WriteStartObject("packageReferences");
        w.WriteString("Pulumi", "3.*");
        w.WriteEndObject();
        w.WriteBoolean("respectSchemaVersion", true);
        w.WriteEndObject();
        w.WriteStartObject("go");
        w.WriteString("importBasePath", "github.com/multinode/pulumi-multinode/sdk/go/multinode");
        w.WriteBoolean("generateResourceContainerTypes", true);
        w.WriteBoolean("respectSchemaVersion", true);
        w.WriteEndObject();
        w.WriteStartObject("nodejs");
        w.WriteString("packageName", "@multinode/pulumi-multinode");
        w.WriteStartObject("dependencies");
        w.WriteString("@pulumi/pulumi", "^3.0.0");
        w.WriteEndObject();
        w.WriteBoolean("respectSchemaVersion", true);
        w.WriteEndObject();
        w.WriteStartObject("python");
        w.WriteString("packageName", "pulumi_multinode");
        w.WriteStartObject("requires");
        w.WriteString("pulumi", ">=3.0.0,<4.0.0");
        w.WriteEndObject();
        w.WriteBoolean("respectSchemaVersion", true);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteObjectSpec(Utf8JsonWriter w, string name, IReadOnlyList<InputSpec> specs, string scope,
        TypeRegistry types)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        WriteProperties(w, specs, scope, types);
        w.WriteEndObject();
        WriteRequired(w, "required", specs);
        w.WriteEndObject();
    }

    private static void WriteRequired(Utf8JsonWriter w, string name, IReadOnlyList<InputSpec> specs)
    {
        var required = specs.Where(s => s.Required).ToList();
        if (required.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var s in required) w.WriteStringValue(s.Name);
        w.WriteEndArray();
    }

    // scope: "" for workload inputs, "config:" for config keys, "output:" for outputs; the prefix of TypeNames keys.
    private static void WriteProperties(Utf8JsonWriter w, IReadOnlyList<InputSpec> specs, string scope,
        TypeRegistry types, string path = "")
    {
        foreach (var spec in specs)
        {
            var specPath = InputReader.Join(path, spec.Name);
            w.WriteStartObject(spec.Name);
            WriteType(w, spec, scope, specPath, types);
            w.WriteString("description", Describe(spec));
            if (spec.Default is { } d && d is StringValue or NumberValue or BoolValue)
            {
                w.WritePropertyName("default");
                d.WriteJson(w);
            }
            w.WriteEndObject();
        }
    }

    private static void WriteType(Utf8JsonWriter w, InputSpec spec, string scope, string path,
        TypeRegistry types)
    {
        switch (spec.Type)
        {
            case InputType.String when EnumValues(spec) is { } values:
                var token = Token(types, scope, path, spec);
                Define(types, token, spec, tw => WriteEnum(tw, spec, values));
                if (spec.Enum is null)
                {
                    // Aliases are accepted too ("nvidia-tesla-t4"), so the property takes any string or the enum.
                    w.WriteString("type", "string");
                    w.WriteStartArray("oneOf");
                    w.WriteStartObject(); w.WriteString("type", "string"); w.WriteEndObject();
                    w.WriteStartObject(); w.WriteString("type", "string"); w.WriteString("$ref", $"#/types/{token}"); w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteString("$ref", $"#/types/{token}");
                }
                return;
            case InputType.String: w.WriteString("type", "string"); return;
            case InputType.Integer: w.WriteString("type", "integer"); return;
            case InputType.Number: w.WriteString("type", "number"); return;
            case InputType.Boolean: w.WriteString("type", "boolean"); return;
            case InputType.StringArray:
                w.WriteString("type", "array");
                w.WriteStartObject("items"); w.WriteString("type", "string"); w.WriteEndObject();
                return;
            case InputType.StringMap:
                w.WriteString("type", "object");
                w.WriteStartObject("additionalProperties"); w.WriteString("type", "string"); w.WriteEndObject();
                return;
            case InputType.Object:
                var objectToken = Token(types, scope, path, spec);
                Define(types, objectToken, spec, tw =>
                {
                    tw.WriteStartObject();
                    tw.WriteString("type", "object");
                    tw.WriteString("description", spec.Description);
                    tw.WriteStartObject("properties");
                    WriteProperties(tw, spec.Properties, scope, types, path);
                    tw.WriteEndObject();
                    WriteRequired(tw, "required", spec.Properties);
                    tw.WriteEndObject();
                });
                w.WriteString("$ref", $"#/types/{objectToken}");
                return;
            default:
                throw new InvalidOperationException($"no schema type for {spec.Type}");
        }
    }
}
