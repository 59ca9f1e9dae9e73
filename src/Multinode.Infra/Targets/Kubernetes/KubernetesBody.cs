using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// Turns a typed object body (a KubernetesClient model or a KEDA record) into planned inputs, written as its JSON
/// settings write it (camelCase, nulls omitted) but straight into property values: the body is walked through the
/// serializer's own metadata (names, order, getters, ignore rules), and only leaves with a converter of their own
/// (a quantity, an int-or-string) are written by that converter. Pass-through values — image, command, args, env and
/// tags, which may be unknown or secret and so cannot live in a model's plain strings — are carried by type: the
/// model holds a fresh string, list or map object whose content means nothing, and the walk puts the held value
/// wherever it meets that very object. Nothing is matched by text, so no input string can stand for another value.
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

    /// <summary>A fresh model object that stands for <paramref name="value"/> as a whole (a list unknown in preview).</summary>
    public T Whole<T>(T model, PropertyValue value) where T : notnull => Hold(model, value);

    private T Hold<T>(T model, PropertyValue value) where T : notnull
    {
        _held.Add(model, value);
        HoldsSecret |= value.ContainsSecret;
        return model;
    }

    /// <summary>Whether a held value is or holds a secret: only then can an input be secret, as a model's own strings
    /// are plain.</summary>
    public bool HoldsSecret { get; private set; }

    /// <summary>The inputs <paramref name="body"/> serializes to, with every held object's value in its place.</summary>
    public PropertyMap Inputs<T>(T body, JsonTypeInfo<T> type)
    {
        Array.Clear(_recent);
        return body is not null && Value(body, Shape.Of(type)) is ObjectValue o
            ? o.Map
            : throw new InvalidOperationException($"{typeof(T).Name} does not serialize to an object");
    }

    /// <summary>Items and entries of the lists and objects being walked, nested ones after their parents'; each is
    /// copied out once into an array of its exact size.</summary>
    private readonly List<PropertyValue> _items = new(32);
    private readonly List<KeyValuePair<string, PropertyValue>> _entries = new(32);

    private PropertyValue Value(object model, Shape shape)
    {
        if (_held.Count > 0 && _held.TryGetValue(model, out var held)) return held;
        switch (shape.Form)
        {
            case Form.Text: return PropertyValue.From((string)model);
            case Form.Bool: return PropertyValue.From((bool)model);
            case Form.Number:
                return PropertyValue.From(model switch
                {
                    int i => i,
                    long l => l,
                    double d => d,
                    _ => throw new InvalidOperationException($"unexpected number {model.GetType().Name}"),
                });
            case Form.Object:
            {
                var start = _entries.Count;
                foreach (var property in shape.Properties)
                {
                    var value = property.Get(model);
                    if (property.ShouldSerialize is { } should ? !should(model, value) : value is null && shape.OmitsNull) continue;
                    _entries.Add(KeyValuePair.Create(property.Name, value is null ? PropertyValue.Null : Value(value, property.Shape)));
                }
                return PropertyValue.From(PropertyMap.Owning(Take(_entries, start)));
            }
            case Form.List:
            {
                var start = _items.Count;
                if (model is IList list)
                    for (var i = 0; i < list.Count; i++) _items.Add(list[i] is { } item ? Value(item, shape.Element) : PropertyValue.Null);
                else
                    foreach (var item in (IEnumerable)model) _items.Add(item is null ? PropertyValue.Null : Value(item, shape.Element));
                return new ArrayValue(Take(_items, start));
            }
            case Form.Map:
            {
                var start = _entries.Count;
                var entry = ((IDictionary)model).GetEnumerator();
                while (entry.MoveNext())
                    _entries.Add(KeyValuePair.Create((string)entry.Key, entry.Value is { } value ? Value(value, shape.Element) : PropertyValue.Null));
                return PropertyValue.From(PropertyMap.Owning(Take(_entries, start)));
            }
            default:
                return Converted(model, shape.Info);
        }
    }

    /// <summary>The scratch items from <paramref name="start"/> on, taken off the list into an array of their own.</summary>
    private static T[] Take<T>(List<T> scratch, int start)
    {
        if (scratch.Count == start) return [];
        var taken = CollectionsMarshal.AsSpan(scratch)[start..].ToArray();
        CollectionsMarshal.SetCount(scratch, start);
        return taken;
    }

    /// <summary>A leaf with a converter of its own, written by that converter and read back.</summary>
    private PropertyValue Converted(object model, JsonTypeInfo info)
    {
        foreach (var (leaf, value) in _recent)
            if (ReferenceEquals(leaf, model)) return value;
        if (model is ResourceQuantity && Quantities.TryGetValue(model, out var known) && ReferenceEquals(known.Info, info)) return known.Value;
        _buffer ??= new ArrayBufferWriter<byte>(256);
        _buffer.ResetWrittenCount();
        if (_writer is null) _writer = new Utf8JsonWriter(_buffer);
        else _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, model, info);
        _writer.Flush();
        var reader = new Utf8JsonReader(_buffer.WrittenSpan);
        var converted = PropertyValue.FromJson(ref reader);
        _recent[_next] = (model, converted);
        _next = (_next + 1) % _recent.Length;
        if (model is ResourceQuantity && Quantities.Count < MaxQuantities) Quantities.TryAdd(model, (info, converted));
        return converted;
    }

    /// <summary>Quantities converted so far in this process, by object. A ResourceQuantity cannot change and the planner
    /// parses each amount once per process (<see cref="PodTemplates"/>), so every workload's "2" or "4Gi" is one object,
    /// written once here rather than once per child; bounded, as the plugin lives long.</summary>
    private static readonly ConcurrentDictionary<object, (JsonTypeInfo Info, PropertyValue Value)> Quantities = new(ReferenceEqualityComparer.Instance);

    private const int MaxQuantities = 1024;

    /// <summary>The last leaves converted in the walk under way: one met again soon after (a quantity that is both a
    /// request and a limit) is written once, as nothing changes a body while it is walked.</summary>
    private readonly (object Leaf, PropertyValue Value)[] _recent = new (object, PropertyValue)[4];
    private int _next;

    private ArrayBufferWriter<byte>? _buffer;
    private Utf8JsonWriter? _writer;

    private enum Form { Text, Bool, Number, Object, List, Map, Converted }

    /// <summary>How values of one serialized type are walked, worked out once per type from its metadata.</summary>
    private sealed class Shape
    {
        private static readonly ConcurrentDictionary<JsonTypeInfo, Shape> Shapes = new(ReferenceEqualityComparer.Instance);

        public static Shape Of(JsonTypeInfo info) => Shapes.GetOrAdd(info, static i => new Shape(i));

        public JsonTypeInfo Info { get; }
        public Form Form { get; }
        public bool OmitsNull { get; }

        private Shape(JsonTypeInfo info)
        {
            // The options' own, configured metadata: properties final and in the order they are written.
            info = info.Options.GetTypeInfo(info.Type);
            Info = info;
            OmitsNull = info.Options.DefaultIgnoreCondition switch
            {
                JsonIgnoreCondition.WhenWritingNull => true,
                JsonIgnoreCondition.Never => false,
                var other => throw new NotSupportedException($"{info.Type.Name}: ignore condition {other} is not planned"),
            };
            var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
            // Built-in leaves are read directly unless the options bring a converter of their own for them.
            var builtIn = !info.Options.Converters.Any(c => c.CanConvert(type));
            Form = info.Kind switch
            {
                JsonTypeInfoKind.Object when info.PolymorphismOptions is null => Form.Object,
                JsonTypeInfoKind.Enumerable => Form.List,
                JsonTypeInfoKind.Dictionary when info.KeyType == typeof(string) => Form.Map,
                JsonTypeInfoKind.None when builtIn && type == typeof(string) => Form.Text,
                JsonTypeInfoKind.None when builtIn && type == typeof(bool) => Form.Bool,
                JsonTypeInfoKind.None when builtIn && (type == typeof(int) || type == typeof(long) || type == typeof(double))
                    && (info.NumberHandling ?? info.Options.NumberHandling) == JsonNumberHandling.Strict => Form.Number,
                _ => Form.Converted,
            };
        }

        /// <summary>The element shape of a list or the value shape of a map.</summary>
        public Shape Element => _element ??= Of(Info.Options.GetTypeInfo(Info.ElementType!));
        private Shape? _element;

        /// <summary>An object's written properties in the order the serializer writes them.</summary>
        public Property[] Properties => _properties ??= PropertiesOf(Info);
        private Property[]? _properties;

        private static Property[] PropertiesOf(JsonTypeInfo info)
        {
            var result = new List<Property>();
            foreach (var property in info.Properties.OrderBy(p => p.Order))
            {
                if (property.Get is null) continue;
                if (property.IsExtensionData || property.NumberHandling is not (null or JsonNumberHandling.Strict))
                    throw new NotSupportedException($"{info.Type.Name}.{property.Name}: extension data or number handling is not planned");
                var shape = property.CustomConverter switch
                {
                    null => Of(info.Options.GetTypeInfo(property.PropertyType)),
                    IKubernetesModelConverter model => Of(model.Info),
                    _ => throw new NotSupportedException($"{info.Type.Name}.{property.Name}: converter {property.CustomConverter.GetType().Name} is not planned"),
                };
                result.Add(new Property(property.Name, property.Get, property.ShouldSerialize, shape));
            }
            return [.. result];
        }
    }

    private sealed record Property(string Name, Func<object, object?> Get, Func<object, object?, bool>? ShouldSerialize, Shape Shape);
}
