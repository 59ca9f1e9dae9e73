using System.Collections;

namespace Multinode.Infra.Values;

/// <summary>
/// An immutable string-keyed map of property values that keeps the order its entries were given in,
/// so that plans built from it are byte-identical from run to run. Equality ignores order.
/// </summary>
public sealed class PropertyMap : IReadOnlyDictionary<string, PropertyValue>, IEquatable<PropertyMap>
{
    private readonly List<KeyValuePair<string, PropertyValue>> _entries;
    private readonly Dictionary<string, PropertyValue> _lookup;

    public static readonly PropertyMap Empty = new(Array.Empty<KeyValuePair<string, PropertyValue>>());

    /// <summary>Later entries with the same key replace earlier ones, keeping the first position.</summary>
    public PropertyMap(IEnumerable<KeyValuePair<string, PropertyValue>> entries)
    {
        _entries = [];
        _lookup = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (_lookup.ContainsKey(key))
                _entries[_entries.FindIndex(e => e.Key == key)] = KeyValuePair.Create(key, value);
            else
                _entries.Add(KeyValuePair.Create(key, value));
            _lookup[key] = value;
        }
    }

    public PropertyMap(params (string Key, PropertyValue? Value)[] entries)
        : this(entries.Where(e => e.Value is not null).Select(e => KeyValuePair.Create(e.Key, e.Value!)))
    {
    }

    public PropertyValue this[string key] => _lookup[key];
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);
    public IEnumerable<PropertyValue> Values => _entries.Select(e => e.Value);
    public int Count => _entries.Count;
    public bool ContainsKey(string key) => _lookup.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PropertyValue value) =>
        _lookup.TryGetValue(key, out value);

    public PropertyValue? Get(string key) => _lookup.GetValueOrDefault(key);

    /// <summary>A copy with <paramref name="key"/> set (appended when new).</summary>
    public PropertyMap With(string key, PropertyValue value) => new(_entries.Append(KeyValuePair.Create(key, value)));

    public IEnumerator<KeyValuePair<string, PropertyValue>> GetEnumerator() => _entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(PropertyMap? other) =>
        other is not null && other.Count == Count &&
        _entries.All(e => other._lookup.TryGetValue(e.Key, out var v) && Equals(v, e.Value));

    public override bool Equals(object? obj) => obj is PropertyMap other && Equals(other);

    public override int GetHashCode() =>
        _entries.Aggregate(Count, (h, e) => h ^ HashCode.Combine(e.Key, e.Value));

    public override string ToString() => PropertyValue.From(this).ToJson();
}
