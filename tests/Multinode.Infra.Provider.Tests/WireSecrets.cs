using System.Collections;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Where a secret's text shows on the wire: every field of a message, every key and string of its structs is
/// read, whole; only what is inside a secret envelope counts as kept secret.</summary>
public static class WireSecrets
{
    /// <summary>The fields of <paramref name="message"/> (a registered child: type, name, inputs, options, dependencies,
    /// all of it) at which <paramref name="text"/> can be read outside a secret.</summary>
    public static IReadOnlyList<string> PlainPaths(IMessage message, string text)
    {
        var found = new List<string>();
        Walk(message, message.Descriptor.Name, text, found);
        return found;
    }

    private static void Walk(IMessage message, string path, string text, List<string> found)
    {
        if (message is Struct s)
        {
            foreach (var (key, value) in s.Fields) Walk(key, value, $"{path}.{key}", text, found);
            return;
        }
        if (message is Value v)
        {
            Walk("", v, path, text, found);
            return;
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            var at = $"{path}.{field.JsonName}";
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    WalkScalar(entry.Key, $"{at} (key)", text, found);
                    WalkField(entry.Value, $"{at}[{entry.Key}]", text, found);
                }
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IEnumerable)value) WalkField(item, $"{at}[{i++}]", text, found);
            }
            else
            {
                WalkField(value, at, text, found);
            }
        }
    }

    private static void WalkField(object? value, string path, string text, List<string> found)
    {
        if (value is IMessage inner) Walk(inner, path, text, found);
        else WalkScalar(value, path, text, found);
    }

    private static void WalkScalar(object? value, string path, string text, List<string> found)
    {
        if (value is string s && s.Contains(text, StringComparison.OrdinalIgnoreCase)) found.Add(path);
    }

    /// <summary>True when <paramref name="text"/> appears inside some secret envelope of <paramref name="fields"/>.</summary>
    public static bool InSecret(Struct fields, string text) => fields.Fields.Values.Any(v => InSecret(v, text, inside: false));

    private static bool IsSecret(Value value) =>
        value.StructValue?.Fields.TryGetValue(PropertyConverter.SignatureKey, out var sig) == true && sig.StringValue == PropertyConverter.SecretSig;

    private static void Walk(string key, Value value, string path, string text, List<string> found)
    {
        if (key.Contains(text, StringComparison.OrdinalIgnoreCase)) found.Add($"{path} (key)");
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StringValue when value.StringValue.Contains(text, StringComparison.OrdinalIgnoreCase):
                found.Add(path);
                break;
            case Value.KindOneofCase.ListValue:
                for (var i = 0; i < value.ListValue.Values.Count; i++) Walk("", value.ListValue.Values[i], $"{path}[{i}]", text, found);
                break;
            case Value.KindOneofCase.StructValue when !IsSecret(value):
                foreach (var (k, v) in value.StructValue.Fields) Walk(k, v, $"{path}.{k}", text, found);
                break;
        }
    }

    private static bool InSecret(Value value, string text, bool inside) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => inside && value.StringValue.Contains(text, StringComparison.OrdinalIgnoreCase),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Any(v => InSecret(v, text, inside)),
        Value.KindOneofCase.StructValue => value.StructValue.Fields.Values.Any(v => InSecret(v, text, inside || IsSecret(value))),
        _ => false,
    };
}
