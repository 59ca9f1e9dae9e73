using System.Globalization;
using System.Text.Json;

namespace Multinode.Infra.Values;

/// <summary>Writing a value as JSON and reading plain JSON into one.</summary>
public abstract partial record PropertyValue
{
    /// <summary>Writes this value as JSON for people: unknowns as {"unknown":true}, secrets as {"secret":true}
    /// (value withheld), references as {"resource":name,"property":p}.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        switch (this)
        {
            case NullValue: writer.WriteNullValue(); break;
            case BoolValue b: writer.WriteBooleanValue(b.Value); break;
            case NumberValue n: WriteNumber(writer, n.Value); break;
            case StringValue s: writer.WriteStringValue(s.Value); break;
            case UnknownValue:
                writer.WriteStartObject(); writer.WriteBoolean("unknown", true); writer.WriteEndObject(); break;
            case SecretValue:
                writer.WriteStartObject(); writer.WriteBoolean("secret", true); writer.WriteEndObject(); break;
            case ReferenceValue r:
                writer.WriteStartObject();
                writer.WriteString("resource", r.Resource);
                writer.WriteString("property", r.Property);
                writer.WriteEndObject();
                break;
            case InterpolationValue i:
                writer.WriteStartObject();
                writer.WriteStartArray("concat");
                for (var k = 0; k < i.Parts.Count; k++) i.Parts[k].WriteJson(writer);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case ArrayValue a:
                writer.WriteStartArray();
                // Indexed: a foreach over the list interface would allocate an enumerator per array.
                for (var k = 0; k < a.Items.Count; k++) a.Items[k].WriteJson(writer);
                writer.WriteEndArray();
                break;
            case ObjectValue o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.Map)
                {
                    writer.WritePropertyName(key);
                    value.WriteJson(writer);
                }
                writer.WriteEndObject();
                break;
            default: throw new InvalidOperationException($"unhandled value {GetType().Name}");
        }
    }

    /// <summary>Integers print without a fraction so that plans stay byte-identical and readable.</summary>
    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value) && Math.Abs(value) < 9007199254740992d && value == Math.Floor(value))
            writer.WriteNumberValue((long)value);
        else if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Compact JSON text (see <see cref="WriteJson"/>).</summary>
    public string ToJson(bool indented = false) =>
        JsonOutput.Text(WriteJson, indented ? JsonOutput.Indented : JsonOutput.Compact);

    /// <summary>Reads plain JSON (no unknown/secret markers) into a value.</summary>
    public static PropertyValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.True => From(true),
        JsonValueKind.False => From(false),
        JsonValueKind.Number => From(element.GetDouble()),
        JsonValueKind.String => From(element.GetString()!),
        JsonValueKind.Array => From(element.EnumerateArray().Select(FromJson)),
        JsonValueKind.Object => From(new PropertyMap(
            element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value))))),
        _ => throw new InvalidOperationException($"unexpected JSON kind {element.ValueKind}"),
    };

    /// <summary>The value whose JSON starts at <paramref name="reader"/>'s current token (read first when none is
    /// current), leaving the reader on its last token: what <see cref="FromJson(JsonElement)"/> gives, without building
    /// a document first.</summary>
    public static PropertyValue FromJson(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.None && !reader.Read()) throw new InvalidOperationException("empty JSON");
        JsonScratch? scratch = null;
        return FromJson(ref reader, ref scratch);
    }

    /// <summary>Items and entries of the arrays and objects being read, nested ones after their parents'; each is
    /// copied out once into an array of its exact size. Made at the first array or object: a lone scalar needs none.
    /// </summary>
    private sealed class JsonScratch
    {
        public readonly List<PropertyValue> Items = new(64);
        public readonly List<KeyValuePair<string, PropertyValue>> Entries = new(64);
    }

    private static PropertyValue FromJson(ref Utf8JsonReader reader, ref JsonScratch? scratch)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return Null;
            case JsonTokenType.True: return From(true);
            case JsonTokenType.False: return From(false);
            case JsonTokenType.Number: return From(reader.GetDouble());
            case JsonTokenType.String: return From(reader.GetString()!);
            case JsonTokenType.StartArray:
            {
                var lists = scratch ??= new JsonScratch();
                var start = lists.Items.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    lists.Items.Add(FromJson(ref reader, ref scratch));
                var items = lists.Items.Count == start
                    ? Array.Empty<PropertyValue>()
                    : new PropertyValue[lists.Items.Count - start];
                lists.Items.CopyTo(start, items, 0, items.Length);
                lists.Items.RemoveRange(start, items.Length);
                return new ArrayValue(items);
            }
            case JsonTokenType.StartObject:
            {
                var lists = scratch ??= new JsonScratch();
                var start = lists.Entries.Count;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    lists.Entries.Add(KeyValuePair.Create(name, FromJson(ref reader, ref scratch)));
                }
                var entries = new KeyValuePair<string, PropertyValue>[lists.Entries.Count - start];
                lists.Entries.CopyTo(start, entries, 0, entries.Length);
                lists.Entries.RemoveRange(start, entries.Length);
                return From(PropertyMap.Owning(entries));
            }
            default: throw new InvalidOperationException($"unexpected JSON token {reader.TokenType}");
        }
    }
}
