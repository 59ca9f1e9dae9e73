using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// Turns a typed object body (a KubernetesClient model or a KEDA record) into planned inputs. The body is
/// serialized with its JSON settings (camelCase, nulls omitted); pass-through values — image, command, args, env
/// and tags, which may be unknown or secret and so cannot live in a model's plain strings — are carried by type:
/// the model holds a fresh string, list or map object whose content means nothing, and <see cref="Inputs"/> walks
/// the model beside its JSON (through the serializer's own metadata) and puts the held value wherever that very
/// object was serialized. Nothing is matched by text, so no input string can stand for another value.
/// </summary>
internal sealed class KubernetesBody
{
    /// <summary>What a held string reads as in the model; never looked at, only its object identity counts.</summary>
    private const string Neutral = "held";

    private readonly Dictionary<object, PropertyValue> _held = new(ReferenceEqualityComparer.Instance);

    /// <summary>The text to put in a model string: known strings as they are, anything else as a held string.</summary>
    public string Text(PropertyValue value) =>
        value is StringValue s ? s.Value : Hold(new string(Neutral.AsSpan()), value);

    /// <summary>A model string list: known lists item by item; a list that is itself unknown or secret as a whole.</summary>
    public List<string>? List(PropertyValue? value) => value switch
    {
        null or NullValue => null,
        ArrayValue a => [.. a.Items.Select(Text)],
        _ => Hold(new List<string>(), value),
    };

    /// <summary>A model string map that is itself unknown or secret as a whole (an env given as one secret).</summary>
    public SortedDictionary<string, string> Map(PropertyValue value) =>
        Hold(new SortedDictionary<string, string>(StringComparer.Ordinal), value);

    private T Hold<T>(T model, PropertyValue value) where T : notnull
    {
        _held.Add(model, value);
        return model;
    }

    /// <summary>The JSON text of the body being planned; reused from body to body (one writer per workload's children).</summary>
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter? _writer;

    /// <summary>Serializes <paramref name="body"/> and puts the held values where their objects were serialized.</summary>
    public PropertyMap Inputs<T>(T body, JsonTypeInfo<T> type)
    {
        _buffer.ResetWrittenCount();
        if (_writer is null) _writer = new Utf8JsonWriter(_buffer);
        else _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, body, type);
        _writer.Flush();
        var reader = new Utf8JsonReader(_buffer.WrittenSpan);
        var json = PropertyValue.FromJson(ref reader);
        return (_held.Count == 0 ? json : Overlay(body, type, json)) is ObjectValue o
            ? o.Map
            : throw new InvalidOperationException($"{typeof(T).Name} did not serialize to an object");
    }

    /// <summary>The JSON of <paramref name="model"/> with every held object's value in its place.</summary>
    private PropertyValue Overlay(object? model, JsonTypeInfo info, PropertyValue json)
    {
        if (model is null) return json;
        if (_held.TryGetValue(model, out var held)) return held;
        switch (info.Kind, json)
        {
            case (JsonTypeInfoKind.Object, ObjectValue o):
            {
                var entries = new KeyValuePair<string, PropertyValue>[o.Map.Count];
                var i = 0;
                foreach (var (key, value) in o.Map)
                    entries[i++] = KeyValuePair.Create(key, Property(model, info, key) is var (inner, innerInfo)
                        ? Overlay(inner, innerInfo, value)
                        : value);
                return PropertyValue.From(new PropertyMap(entries));
            }
            case (JsonTypeInfoKind.Enumerable, ArrayValue a) when model is IEnumerable items && info.ElementType is { } element:
            {
                var elementInfo = info.Options.GetTypeInfo(element);
                var result = new List<PropertyValue>(a.Items.Count);
                var at = 0;
                foreach (var item in items)
                {
                    if (at >= a.Items.Count) break;
                    result.Add(Overlay(item, elementInfo, a.Items[at++]));
                }
                return PropertyValue.From(result);
            }
            case (JsonTypeInfoKind.Dictionary, ObjectValue o) when model is IEnumerable<KeyValuePair<string, string>> map:
            {
                var entries = new KeyValuePair<string, PropertyValue>[o.Map.Count];
                var i = 0;
                foreach (var (key, value) in o.Map)
                    entries[i++] = KeyValuePair.Create(key, Entry(map, key) is { } v && _held.TryGetValue(v, out var h) ? h : value);
                return PropertyValue.From(new PropertyMap(entries));
            }
            default:
                return json;
        }
    }

    /// <summary>The value of <paramref name="key"/> in a model string map (null when absent), as the JSON wrote it.</summary>
    private static string? Entry(IEnumerable<KeyValuePair<string, string>> map, string key)
    {
        if (map is IReadOnlyDictionary<string, string> d) return d.TryGetValue(key, out var v) ? v : null;
        foreach (var (k, v) in map)
            if (string.Equals(k, key, StringComparison.Ordinal)) return v;
        return null;
    }

    /// <summary>Each model type's properties by their written name, with the metadata their values are walked with.</summary>
    private static readonly ConcurrentDictionary<JsonTypeInfo, Dictionary<string, (Func<object, object?> Get, JsonTypeInfo Info)?>> Properties =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>The value and serializer metadata of the property written as <paramref name="name"/>, if it can hold
    /// a held object: a KubernetesClient model inside a KEDA record is walked with that library's own metadata.</summary>
    private static (object? Value, JsonTypeInfo Info)? Property(object model, JsonTypeInfo info, string name) =>
        Properties.GetOrAdd(info, PropertiesOf).TryGetValue(name, out var p) && p is var (get, propertyInfo)
            ? (get(model), propertyInfo)
            : null;

    private static Dictionary<string, (Func<object, object?> Get, JsonTypeInfo Info)?> PropertiesOf(JsonTypeInfo info)
    {
        var result = new Dictionary<string, (Func<object, object?> Get, JsonTypeInfo Info)?>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            // The first property of a name wins, as the walk by name always found it.
            if (result.ContainsKey(property.Name)) continue;
            var propertyInfo = property.Get is null ? null : property.CustomConverter switch
            {
                null => info.Options.GetTypeInfo(property.PropertyType),
                IKubernetesModelConverter model => model.Info,
                _ => null,
            };
            result[property.Name] = propertyInfo is null ? null : (property.Get!, propertyInfo);
        }
        return result;
    }
}
