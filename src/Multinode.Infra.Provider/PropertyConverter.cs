using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using BoolValue = Multinode.Infra.Values.BoolValue;
using NullValue = Multinode.Infra.Values.NullValue;
using StringValue = Multinode.Infra.Values.StringValue;
using Multinode.Infra.Values;

namespace Multinode.Infra.Provider;

/// <summary>A value the engine sent that the provider cannot take (an asset, an archive, a malformed signature, nesting
/// deeper than <see cref="PropertyConverter.MaxDepth"/>), at property path <paramref name="path"/>.</summary>
public sealed class UnsupportedValueException(string path, string message) : Exception(message)
{
    public string Path { get; } = path;
}

/// <summary>
/// The one place protobuf values meet the core: <c>google.protobuf.Struct</c> with Pulumi's special signatures
/// (secrets, unknowns, resource references, output values) to and from <see cref="PropertyValue"/>.
/// </summary>
public static class PropertyConverter
{
    public const string SignatureKey = "4dabf18193072939515e22adb298388d";
    public const string SecretSig = "1b47061264138c4ac30d75fd1eb44270";
    public const string ResourceReferenceSig = "5cf8f73096256a8f31e491e813e4eb8e";
    public const string OutputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
    public const string AssetSig = "c44067f5952c0a294b673a41bacd8c17";
    public const string ArchiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
    public const string UnknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /// <summary>Deepest nesting of lists and objects read (docs/provider.md): no input of this provider nests more than
    /// a few levels, and the protobuf reader's own limit is about 33.</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads a struct; URNs named by output values inside it are added to <paramref name="dependencies"/>.</summary>
    public static PropertyMap ToMap(Struct? value, ISet<string>? dependencies = null) => ToMap(value, dependencies, "", 0);

    private static PropertyMap ToMap(Struct? value, ISet<string>? dependencies, string path, int depth) =>
        value is null
            ? PropertyMap.Empty
            : new PropertyMap(value.Fields.Select(f => KeyValuePair.Create(f.Key, ToValue(f.Value, dependencies, Join(path, f.Key), depth))));

    private static string What(string path) => path.Length == 0 ? "the value" : path;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Reads one value; <paramref name="path"/> names it in errors.</summary>
    public static PropertyValue ToValue(Value value, ISet<string>? dependencies = null, string path = "") => ToValue(value, dependencies, path, 0);

    private static PropertyValue ToValue(Value value, ISet<string>? dependencies, string path, int depth)
    {
        if (depth > MaxDepth)
            throw new UnsupportedValueException(path, $"{What(path)} nests lists and objects deeper than {MaxDepth} levels, the most this provider reads");
        switch (value.KindCase)
        {
            case Value.KindOneofCase.None:
            case Value.KindOneofCase.NullValue:
                return PropertyValue.Null;
            case Value.KindOneofCase.BoolValue:
                return PropertyValue.From(value.BoolValue);
            case Value.KindOneofCase.NumberValue:
                return PropertyValue.From(value.NumberValue);
            case Value.KindOneofCase.StringValue:
                return value.StringValue == UnknownString ? PropertyValue.Unknown : PropertyValue.From(value.StringValue);
            case Value.KindOneofCase.ListValue:
                return PropertyValue.From(value.ListValue.Values.Select((v, i) => ToValue(v, dependencies, $"{path}[{i}]", depth + 1)));
            case Value.KindOneofCase.StructValue:
                var fields = value.StructValue.Fields;
                if (!fields.TryGetValue(SignatureKey, out var sig))
                    return PropertyValue.From(ToMap(value.StructValue, dependencies, path, depth + 1));
                return Special(sig.StringValue, fields, dependencies, path, depth + 1);
            default:
                throw new UnsupportedValueException(path, $"{What(path)} has an unexpected protobuf value kind {value.KindCase}");
        }
    }

    private static PropertyValue Special(string sig, IDictionary<string, Value> fields, ISet<string>? dependencies, string path, int depth)
    {
        PropertyValue Read(Value v) => ToValue(v, dependencies, path, depth);
        switch (sig)
        {
            case SecretSig:
                return PropertyValue.Secret(fields.TryGetValue("value", out var inner) ? Read(inner) : PropertyValue.Null);
            case OutputValueSig:
                if (dependencies is not null && fields.TryGetValue("dependencies", out var deps))
                    foreach (var dependency in deps.ListValue?.Values ?? []) dependencies.Add(dependency.StringValue);
                var known = fields.TryGetValue("value", out var v) ? Read(v) : PropertyValue.Unknown;
                return fields.TryGetValue("secret", out var s) && s.BoolValue ? PropertyValue.Secret(known) : known;
            case ResourceReferenceSig:
                // The core has no resource type: a custom resource stands for its ID, a component for its URN,
                // which is what the engine itself sends to providers that do not accept references.
                var resourceUrn = fields.TryGetValue("urn", out var u) ? u.StringValue : "";
                if (resourceUrn.Length > 0) dependencies?.Add(resourceUrn);
                if (!fields.TryGetValue("id", out var id)) return PropertyValue.From(resourceUrn);
                return Read(id) is StringValue { Value.Length: > 0 } known2 ? known2 : PropertyValue.Unknown;
            case AssetSig:
            case ArchiveSig:
                throw new UnsupportedValueException(path, $"{What(path)} is an asset or archive; multinode resources take none (pass the content as a string)");
            default:
                throw new UnsupportedValueException(path, $"{What(path)} has an unknown value signature {PropertyValue.QuoteShort(sig)}");
        }
    }

    public static Struct ToStruct(PropertyMap map)
    {
        var result = new Struct();
        foreach (var (key, value) in map) result.Fields[key] = ToProto(value);
        return result;
    }

    public static Value ToProto(PropertyValue value) => value switch
    {
        NullValue => Value.ForNull(),
        UnknownValue => Value.ForString(UnknownString),
        BoolValue b => Value.ForBool(b.Value),
        NumberValue n => Value.ForNumber(n.Value),
        StringValue s => Value.ForString(s.Value),
        SecretValue s => Value.ForStruct(new Struct
        {
            Fields = { [SignatureKey] = Value.ForString(SecretSig), ["value"] = ToProto(s.Value) },
        }),
        ArrayValue a => Value.ForList([.. a.Items.Select(ToProto)]),
        ObjectValue o => Value.ForStruct(ToStruct(o.Map)),
        ReferenceValue r => throw new InvalidOperationException(
            $"the reference to {r.Resource}.{r.Property} was not resolved before it was sent"),
        _ => throw new InvalidOperationException($"unhandled value {value.GetType().Name}"),
    };

    /// <summary>Reads a config value given as text: JSON when it parses as the JSON of an object, array, number or
    /// boolean, the text itself otherwise. `pulumi config set` stores every value as a string.</summary>
    public static PropertyValue FromConfigText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && (trimmed[0] is '{' or '[' || trimmed is "true" or "false" ||
            double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(trimmed);
                return PropertyValue.FromJson(document.RootElement);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON after all: the text is the value.
            }
        }
        return text == UnknownString ? PropertyValue.Unknown : PropertyValue.From(text);
    }
}
