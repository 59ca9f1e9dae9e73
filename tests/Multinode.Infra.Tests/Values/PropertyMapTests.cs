using CsCheck;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Values;

/// <summary>Every way of making a map keeps the entries in the order given, a repeated key's last value at its first
/// position, and (from key/value pairs) leaves out entries without a value — below and above the size where a map
/// gets an index.</summary>
public sealed class PropertyMapTests
{
    /// <summary>Few keys, so that they repeat; up to 20 entries, past the small-map size of 8.</summary>
    private static readonly Gen<(string Key, PropertyValue? Value)[]> Entries =
        Gen.Select(Gen.Char['a', 'l'].Select(c => c.ToString()), Gen.Int[0, 4].Select(i => i == 0 ? null : PropertyValue.From(i)))
            .Array[0, 20];

    /// <summary>The definition, by a plain walk.</summary>
    private static List<KeyValuePair<string, PropertyValue>> Expected(IEnumerable<(string Key, PropertyValue? Value)> entries)
    {
        var result = new List<KeyValuePair<string, PropertyValue>>();
        foreach (var (key, value) in entries)
        {
            if (value is null) continue;
            var at = result.FindIndex(e => e.Key == key);
            if (at >= 0) result[at] = KeyValuePair.Create(key, value);
            else result.Add(KeyValuePair.Create(key, value));
        }
        return result;
    }

    [Fact]
    public void FromPairs_AnyEntries_OrderedLastValueAtFirstPositionWithoutMissingValues() =>
        Entries.Sample(entries =>
        {
            var map = new PropertyMap(entries);
            Assert.Equal(Expected(entries), [.. map]);
            foreach (var (key, value) in Expected(entries)) Assert.Same(value, map[key]);
        }, iter: 2000);

    [Fact]
    public void FromEntries_AnyEntries_SameAsFromPairs() =>
        Entries.Sample(entries =>
        {
            var given = entries.Where(e => e.Value is not null).Select(e => KeyValuePair.Create(e.Key, e.Value!)).ToArray();
            Assert.Equal(Expected(entries), [.. new PropertyMap(given)]);
            Assert.Equal(Expected(entries), [.. new PropertyMap(given.AsEnumerable().Select(e => e))]);
        }, iter: 2000);
}
