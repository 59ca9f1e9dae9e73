using System.Collections;

namespace Multinode.Infra.Values;

/// <summary>
/// An immutable string-keyed map of property values that keeps the order its entries were given in,
/// so that plans built from it are byte-identical from run to run. Equality ignores order.
/// </summary>
public sealed class PropertyMap : IReadOnlyDictionary<string, PropertyValue>, IEquatable<PropertyMap>
{
    // Most maps hold a handful of entries (a plan holds hundreds of thousands of them): an array searched in order,
    // with an index by key only past SmallMap entries, keeps a plan of thousands of workloads small.
    private const int SmallMap = 8;
    private readonly KeyValuePair<string, PropertyValue>[] _entries;
    private readonly Dictionary<string, int>? _index;

    public static readonly PropertyMap Empty = new(Array.Empty<KeyValuePair<string, PropertyValue>>());

    /// <summary>Later entries with the same key replace earlier ones, keeping the first position.</summary>
    public PropertyMap(IEnumerable<KeyValuePair<string, PropertyValue>> entries) : this(Build(entries))
    {
    }

    /// <summary>Entries without a value are left out
    /// (see <see cref="PropertyMap(IEnumerable{KeyValuePair{string, PropertyValue}})"/>).</summary>
    public PropertyMap(params (string Key, PropertyValue? Value)[] entries) : this(Own(WithValues(entries)))
    {
    }

    private PropertyMap((KeyValuePair<string, PropertyValue>[] Entries, Dictionary<string, int>? Index) map)
        : this(map.Entries, map.Index)
    {
    }

    private PropertyMap(KeyValuePair<string, PropertyValue>[] entries, Dictionary<string, int>? index)
    {
        _entries = entries;
        _index = index;
    }

    private static (KeyValuePair<string, PropertyValue>[], Dictionary<string, int>?) Build(
        IEnumerable<KeyValuePair<string, PropertyValue>> entries)
    {
        var list = new List<KeyValuePair<string, PropertyValue>>(entries.TryGetNonEnumeratedCount(out var n) ? n : 4);
        Dictionary<string, int>? index = null;
        foreach (var (key, value) in entries)
        {
            var at = Find(list, index, key);
            if (at >= 0)
            {
                list[at] = KeyValuePair.Create(key, value);
                continue;
            }
            list.Add(KeyValuePair.Create(key, value));
            if (index is not null) index[key] = list.Count - 1;
            else if (list.Count > SmallMap) index = Index(list);
        }
        return ([.. list], index);
    }

    /// <summary>A map that takes <paramref name="entries"/> as they are (the caller gives the array up); what the
    /// public constructor gives when keys repeat.</summary>
    internal static PropertyMap Owning(KeyValuePair<string, PropertyValue>[] entries) => new(Own(entries));

    private static (KeyValuePair<string, PropertyValue>[], Dictionary<string, int>?) Own(
        KeyValuePair<string, PropertyValue>[] entries)
    {
        if (entries.Length <= SmallMap)
        {
            for (var i = 1; i < entries.Length; i++)
                for (var j = 0; j < i; j++)
                    if (string.Equals(entries[i].Key, entries[j].Key, StringComparison.Ordinal)) return Build(entries);
            return (entries, null);
        }
        var index = new Dictionary<string, int>(entries.Length * 2, StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
            if (!index.TryAdd(entries[i].Key, i)) return Build(entries);
        return (entries, index);
    }

    /// <summary>The entries that have a value, in a new array of their own.</summary>
    private static KeyValuePair<string, PropertyValue>[] WithValues((string Key, PropertyValue? Value)[] entries)
    {
        var count = 0;
        foreach (var (_, value) in entries)
            if (value is not null) count++;
        var owned = new KeyValuePair<string, PropertyValue>[count];
        count = 0;
        foreach (var (key, value) in entries)
            if (value is not null) owned[count++] = KeyValuePair.Create(key, value);
        return owned;
    }

    private static Dictionary<string, int> Index(List<KeyValuePair<string, PropertyValue>> list)
    {
        var index = new Dictionary<string, int>(list.Count * 2, StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++) index[list[i].Key] = i;
        return index;
    }

    private static int Find(IReadOnlyList<KeyValuePair<string, PropertyValue>> entries, Dictionary<string, int>? index,
        string key)
    {
        if (index is not null) return index.TryGetValue(key, out var at) ? at : -1;
        for (var i = 0; i < entries.Count; i++)
            if (string.Equals(entries[i].Key, key, StringComparison.Ordinal)) return i;
        return -1;
    }

    private int Find(string key) => Find(_entries, _index, key);

    public PropertyValue this[string key] =>
        Find(key) is var at and >= 0 ? _entries[at].Value : throw new KeyNotFoundException(key);
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);
    public IEnumerable<PropertyValue> Values => _entries.Select(e => e.Value);
    public int Count => _entries.Length;
    public bool ContainsKey(string key) => Find(key) >= 0;

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PropertyValue value)
    {
        var at = Find(key);
        value = at >= 0 ? _entries[at].Value : null;
        return at >= 0;
    }

    public PropertyValue? Get(string key) => Find(key) is var at and >= 0 ? _entries[at].Value : null;

    /// <summary>A copy with <paramref name="key"/> set (appended when new).</summary>
    public PropertyMap With(string key, PropertyValue value) => new(_entries.Append(KeyValuePair.Create(key, value)));

    /// <summary>The entries in order; <c>foreach</c> takes this enumerator, which allocates nothing (plans enumerate
    /// hundreds of thousands of maps).</summary>
    public Enumerator GetEnumerator() => new(_entries);
    IEnumerator<KeyValuePair<string, PropertyValue>> IEnumerable<KeyValuePair<string, PropertyValue>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, PropertyValue>>)_entries).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _entries.GetEnumerator();

    public struct Enumerator(KeyValuePair<string, PropertyValue>[] entries)
    {
        private int _next;

        public readonly KeyValuePair<string, PropertyValue> Current => entries[_next - 1];

        public bool MoveNext()
        {
            if (_next == entries.Length) return false;
            _next++;
            return true;
        }
    }

    public bool Equals(PropertyMap? other) =>
        other is not null && other.Count == Count &&
        _entries.All(e => other.TryGetValue(e.Key, out var v) && Equals(v, e.Value));

    public override bool Equals(object? obj) => obj is PropertyMap other && Equals(other);

    public override int GetHashCode() =>
        _entries.Aggregate(Count, (h, e) => h ^ HashCode.Combine(e.Key, e.Value));

    public override string ToString() => PropertyValue.From(this).ToJson();
}
