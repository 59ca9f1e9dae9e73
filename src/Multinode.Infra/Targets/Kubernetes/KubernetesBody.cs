using System.Collections;
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

    /// <summary>Serializes <paramref name="body"/> and puts the held values where their objects were serialized.</summary>
    public PropertyMap Inputs<T>(T body, JsonTypeInfo<T> type)
    {
        var json = PropertyValue.FromJson(JsonSerializer.SerializeToElement(body, type));
        return (_held.Count == 0 ? json : Overlay(body, type, json)) is ObjectValue o
            ? o.Map
            : throw new InvalidOperationException($"{typeof(T).Name} did not serialize to an object");
    }

    /// <summary>The JSON of <paramref name="model"/> with every held object's value in its place.</summary>
    private PropertyValue Overlay(object? model, JsonTypeInfo info, PropertyValue json)
    {
        if (model is null) return json;
        if (_held.TryGetValue(model, out var held)) return held;
        return (info.Kind, json) switch
        {
            (JsonTypeInfoKind.Object, ObjectValue o) => PropertyValue.From(new PropertyMap(o.Map.Select(e =>
                KeyValuePair.Create(e.Key, Property(model, info, e.Key) is var (value, propertyInfo)
                    ? Overlay(value, propertyInfo, e.Value)
                    : e.Value)))),
            (JsonTypeInfoKind.Enumerable, ArrayValue a) when model is IEnumerable items && info.ElementType is { } element =>
                PropertyValue.From(a.Items.Zip(items.Cast<object?>(), (item, value) => Overlay(value, info.Options.GetTypeInfo(element), item))),
            (JsonTypeInfoKind.Dictionary, ObjectValue o) when model is IEnumerable<KeyValuePair<string, string>> entries =>
                PropertyValue.From(new PropertyMap(o.Map.Select(e => KeyValuePair.Create(e.Key,
                    entries.FirstOrDefault(kv => string.Equals(kv.Key, e.Key, StringComparison.Ordinal)).Value is { } v
                        && _held.TryGetValue(v, out var h) ? h : e.Value)))),
            _ => json,
        };
    }

    /// <summary>The value and serializer metadata of the property written as <paramref name="name"/>, if it can hold
    /// a held object: a KubernetesClient model inside a KEDA record is walked with that library's own metadata.</summary>
    private static (object? Value, JsonTypeInfo Info)? Property(object model, JsonTypeInfo info, string name)
    {
        var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
        if (property?.Get is not { } get) return null;
        var propertyInfo = property.CustomConverter switch
        {
            null => info.Options.GetTypeInfo(property.PropertyType),
            IKubernetesModelConverter model2 => model2.Info,
            _ => null,
        };
        return propertyInfo is null ? null : (get(model), propertyInfo);
    }
}
