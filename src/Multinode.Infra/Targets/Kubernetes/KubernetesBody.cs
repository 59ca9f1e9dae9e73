using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// Turns a typed object body (a KubernetesClient model or a KEDA record) into planned inputs. The body is
/// serialized with its JSON settings (camelCase, nulls omitted); pass-through values — image, command, args, env
/// and tags, which may be unknown or secret and so cannot live in a model's plain strings — travel through the
/// model as placeholder strings that <see cref="Fill"/> swaps back for the real values.
/// </summary>
internal sealed class KubernetesBody
{
    // A placeholder starts with a control character. Every input string holding one is itself carried as a held
    // value (see Text), and keys that become model strings (env names, label keys) may not hold control characters
    // (WorkloadReader), so a placeholder never collides with real text.
    private const string ItemMark = "\u0001multinode:";
    private const string ListMark = "\u0001multinode-list:";
    private const string MapMark = "\u0001multinode-map:";

    private readonly List<PropertyValue> _held = [];

    /// <summary>The text to put in a model string: known strings as they are, anything else as a placeholder.</summary>
    public string Text(PropertyValue value) =>
        value is StringValue s && !s.Value.Contains(Mark, StringComparison.Ordinal) ? s.Value : Hold(ItemMark, value);

    private const char Mark = '\u0001';

    /// <summary>A model string list: known lists item by item; a list that is itself unknown or secret as a whole.</summary>
    public List<string>? List(PropertyValue? value) => value switch
    {
        null or NullValue => null,
        ArrayValue a => [.. a.Items.Select(Text)],
        _ => [Hold(ListMark, value)],
    };

    /// <summary>A model string map that is itself unknown or secret as a whole (an env given as one secret).</summary>
    public SortedDictionary<string, string> Map(PropertyValue value) =>
        new(StringComparer.Ordinal) { [Hold(MapMark, value)] = "" };

    private string Hold(string mark, PropertyValue value)
    {
        _held.Add(value);
        return mark + (_held.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Serializes <paramref name="body"/> and puts the held values back where their placeholders are.</summary>
    public PropertyMap Inputs<T>(T body, JsonTypeInfo<T> type)
    {
        var json = JsonSerializer.SerializeToElement(body, type);
        return Fill(PropertyValue.FromJson(json)) is ObjectValue o
            ? o.Map
            : throw new InvalidOperationException($"{typeof(T).Name} did not serialize to an object");
    }

    internal PropertyValue Fill(PropertyValue value) => value switch
    {
        StringValue s when s.Value.StartsWith(ItemMark, StringComparison.Ordinal) => Held(s.Value, ItemMark),
        ArrayValue { Items: [StringValue s] } when s.Value.StartsWith(ListMark, StringComparison.Ordinal) => Held(s.Value, ListMark),
        ObjectValue { Map: { Count: 1 } m } when m.Keys.Single().StartsWith(MapMark, StringComparison.Ordinal) => Held(m.Keys.Single(), MapMark),
        StringValue s when s.Value.Contains(Mark, StringComparison.Ordinal) =>
            throw new InvalidOperationException("a pass-through placeholder was embedded in a longer string"),
        ArrayValue a => PropertyValue.From(a.Items.Select(Fill)),
        ObjectValue o => PropertyValue.From(new PropertyMap(o.Map.Select(e => KeyValuePair.Create(e.Key, Fill(e.Value))))),
        _ => value,
    };

    private PropertyValue Held(string placeholder, string mark) =>
        _held[int.Parse(placeholder.AsSpan(mark.Length), System.Globalization.CultureInfo.InvariantCulture)];
}
