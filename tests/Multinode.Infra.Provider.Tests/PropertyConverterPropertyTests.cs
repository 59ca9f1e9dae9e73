using CsCheck;
using Google.Protobuf.WellKnownTypes;
using Multinode.Infra.Values;
using static Multinode.Infra.Provider.PropertyConverter;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Value conversion both ways, for arbitrary values: what the core hands the engine comes back unchanged —
/// secrets still secret, unknowns still unknown, integers still integral.</summary>
public sealed class PropertyConverterPropertyTests
{
    private static readonly Gen<double> Number = Gen.OneOf(
        Gen.Int[-1_000_000, 1_000_000].Select(i => (double)i),
        Gen.Double.Where(double.IsFinite),
        Gen.OneOf(0.0, 0.65, 1e15, -1e-9, 9007199254740991d));

    private static Gen<PropertyValue> Plain(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Gen.String.Select(PropertyValue.From)),
            (3, Number.Select(PropertyValue.From)),
            (1, Gen.Bool.Select(PropertyValue.From)),
            (1, Gen.Const(PropertyValue.Null)),
            (1, Gen.Const(PropertyValue.Unknown)));
        if (depth == 0) return leaf;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (4, leaf),
            (1, inner.Array[0, 4].Select(items => PropertyValue.From(items))),
            (1, Map(depth - 1).Select(PropertyValue.From)));
    }

    /// <summary>Any value; secrets wrap plain values (the core never nests secrets).</summary>
    private static Gen<PropertyValue> Value(int depth) => Gen.Frequency(
        (5, Plain(depth)),
        (1, Plain(depth).Select(PropertyValue.Secret)));

    private static Gen<PropertyMap> Map(int depth) =>
        Gen.Select(Gen.String[1, 8], Value(depth), KeyValuePair.Create).Array[0, 5].Select(e => new PropertyMap(e));

    [Fact]
    public void ToStruct_ThenToMap_RoundTrips() =>
        Map(3).Sample(map => ToMap(ToStruct(map)).Equals(map), iter: 2000);

    [Fact]
    public void ToProto_ThenToValue_KeepsSecretsAndUnknowns() =>
        Value(3).Sample(value =>
        {
            var back = ToValue(ToProto(value));
            return back.ContainsSecret == value.ContainsSecret && back.ContainsUnknown == value.ContainsUnknown;
        }, iter: 2000);

    [Fact]
    public void ToValue_ArbitraryWireValue_NeverThrowsButForAssets() =>
        Gen.Select(Gen.String, Number, Gen.Bool).Sample((s, n, b) =>
        {
            var wire = Google.Protobuf.WellKnownTypes.Value.ForStruct(new Struct
            {
                Fields =
                {
                    ["s"] = Google.Protobuf.WellKnownTypes.Value.ForString(s),
                    ["n"] = Google.Protobuf.WellKnownTypes.Value.ForNumber(n),
                    ["l"] = Google.Protobuf.WellKnownTypes.Value.ForList(Google.Protobuf.WellKnownTypes.Value.ForBool(b)),
                },
            });
            return ToValue(wire) is ObjectValue { Map.Count: 3 };
        });
}
