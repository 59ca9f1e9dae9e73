using CsCheck;
using Google.Protobuf.WellKnownTypes;
using Multinode.Infra.Values;
using static Multinode.Infra.Provider.PropertyConverter;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Value conversion both ways, for arbitrary values of every kind the engine sends: null, bool, number,
/// string, list, struct, secret, unknown, resource reference (custom and component), output value (known or not,
/// secret or not, with dependencies), nested in each other; assets and archives anywhere are refused naming their
/// path. Each generated wire value carries what the core must read from it, so every read is checked exactly.</summary>
public sealed class PropertyConverterPropertyTests
{
    /// <summary>A value as the engine sends it, the core value it means and the URNs it depends on.</summary>
    public sealed record Wire(Value Proto, PropertyValue Expected, IReadOnlyList<string> Dependencies)
    {
        public override string ToString() => $"{Show(Proto)} means {Expected.ToJson()} (secret: {Expected.ContainsSecret}), dependencies [{string.Join(", ", Dependencies)}]";

        /// <summary>Protobuf's JSON text, which has no form for an unset value (the engine's null).</summary>
        private static string Show(Value value) => value.KindCase switch
        {
            Value.KindOneofCase.None => "unset",
            Value.KindOneofCase.ListValue => $"[{string.Join(", ", value.ListValue.Values.Select(Show))}]",
            Value.KindOneofCase.StructValue => $"{{{string.Join(", ", value.StructValue.Fields.Select(f => $"\"{f.Key}\": {Show(f.Value)}"))}}}",
            _ => value.ToString(),
        };
    }

    private static readonly Gen<double> Number = Gen.OneOf(
        Gen.Int[-1_000_000, 1_000_000].Select(i => (double)i),
        Gen.Double,
        Gen.OneOf(0.0, 0.65, 1e15, -1e-9, 9007199254740991d, double.NaN, double.PositiveInfinity, double.NegativeInfinity));

    private static readonly Gen<string> Urn = Gen.String[1, 10].Select(s => $"urn:pulumi:dev::proj::aws:s3/bucket:Bucket::{s}");

    /// <summary>Property names; never the signature key, which marks a special value.</summary>
    private static readonly Gen<string> Key = Gen.String[1, 8];

    private static Value Special(string sig, params (string Key, Value Value)[] fields)
    {
        var s = new Struct { Fields = { [SignatureKey] = Value.ForString(sig) } };
        foreach (var (key, value) in fields) s.Fields[key] = value;
        return Value.ForStruct(s);
    }

    private static Wire Plain(Value proto, PropertyValue expected) => new(proto, expected, []);

    /// <summary>A custom resource stands for its ID (unknown when empty or unknown), a component for its URN; either
    /// way the URN becomes a dependency.</summary>
    private static readonly Gen<Wire> Reference = Gen.Select(Urn, Gen.Int[0, 3], Gen.String[1, 12], (urn, kind, id) => kind switch
    {
        0 => new Wire(Special(ResourceReferenceSig, ("urn", Value.ForString(urn)), ("packageVersion", Value.ForString(""))), PropertyValue.From(urn), [urn]),
        1 => new Wire(Special(ResourceReferenceSig, ("urn", Value.ForString(urn)), ("id", Value.ForString(id)), ("packageVersion", Value.ForString("7.48.0"))), PropertyValue.From(id), [urn]),
        2 => new Wire(Special(ResourceReferenceSig, ("urn", Value.ForString(urn)), ("id", Value.ForString(UnknownString))), PropertyValue.Unknown, [urn]),
        _ => new Wire(Special(ResourceReferenceSig, ("urn", Value.ForString(urn)), ("id", Value.ForString(""))), PropertyValue.Unknown, [urn]),
    });

    private static readonly Gen<Wire> Leaf = Gen.Frequency(
        (1, Gen.Const(Plain(Value.ForNull(), PropertyValue.Null))),
        (1, Gen.Const(Plain(new Value(), PropertyValue.Null))),
        (2, Gen.Bool.Select(b => Plain(Value.ForBool(b), PropertyValue.From(b)))),
        (3, Number.Select(n => Plain(Value.ForNumber(n), PropertyValue.From(n)))),
        (3, Gen.String.Where(s => s != UnknownString).Select(s => Plain(Value.ForString(s), PropertyValue.From(s)))),
        (2, Gen.Const(Plain(Value.ForString(UnknownString), PropertyValue.Unknown))),
        (2, Reference));

    private static Wire SecretOf(Wire inner) =>
        new(Special(SecretSig, ("value", inner.Proto)), PropertyValue.Secret(inner.Expected), inner.Dependencies);

    /// <summary>An output value: its value when known (unknown otherwise), secret when flagged, depending on the URNs
    /// it lists and on whatever its value depends on.</summary>
    private static Wire OutputOf(Wire inner, bool known, bool secret, bool sayNotSecret, string[] dependencies)
    {
        var fields = new List<(string, Value)>();
        if (known) fields.Add(("value", inner.Proto));
        if (secret || sayNotSecret) fields.Add(("secret", Value.ForBool(secret)));
        if (dependencies.Length > 0 || sayNotSecret) fields.Add(("dependencies", Value.ForList([.. dependencies.Select(Value.ForString)])));
        var value = known ? inner.Expected : PropertyValue.Unknown;
        return new Wire(Special(OutputValueSig, [.. fields]), secret ? PropertyValue.Secret(value) : value,
            [.. (known ? inner.Dependencies : []).Concat(dependencies)]);
    }

    private static Wire ListOf(Wire[] items) =>
        new(Value.ForList([.. items.Select(i => i.Proto)]), PropertyValue.From(items.Select(i => i.Expected)), [.. items.SelectMany(i => i.Dependencies)]);

    private static Wire StructOf((string Key, Wire Value)[] fields)
    {
        var distinct = fields.DistinctBy(f => f.Key).ToList();
        var s = new Struct();
        foreach (var (key, value) in distinct) s.Fields[key] = value.Proto;
        return new Wire(Value.ForStruct(s), PropertyValue.From(new PropertyMap(distinct.Select(f => KeyValuePair.Create(f.Key, f.Value.Expected)))),
            [.. distinct.SelectMany(f => f.Value.Dependencies)]);
    }

    /// <summary>Any wire value nesting up to <paramref name="depth"/> levels of secrets, output values, lists and structs.</summary>
    private static Gen<Wire> Any(int depth)
    {
        if (depth == 0) return Leaf;
        var inner = Any(depth - 1);
        return Gen.Frequency(
            (4, Leaf),
            (1, inner.Select(SecretOf)),
            (1, Gen.Select(inner, Gen.Bool, Gen.Bool, Gen.Bool, Urn.Array[0, 3], OutputOf)),
            (1, inner.Array[0, 4].Select(ListOf)),
            (1, Gen.Select(Key, inner).Array[0, 4].Select(StructOf)));
    }

    private static void AssertReads(Wire wire, PropertyValue actual, ISet<string> dependencies)
    {
        Assert.Equal(wire.Expected, actual);
        Assert.Equal(wire.Expected.ToJson(), actual.ToJson());
        Assert.Equal(wire.Dependencies.Distinct().Order(StringComparer.Ordinal), dependencies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ToValue_EveryWireKind_ReadsWhatTheEngineMeantAndItsDependencies() =>
        Any(4).Sample(wire =>
        {
            var dependencies = new HashSet<string>();
            AssertReads(wire, ToValue(wire.Proto, dependencies), dependencies);
        }, iter: 3000);

    [Fact]
    public void ToMap_EveryWireKindInAStruct_ReadsEachPropertyAndAllDependencies() =>
        Gen.Select(Key, Any(3)).Array[0, 6].Select(StructOf).Sample(wire =>
        {
            var dependencies = new HashSet<string>();
            var map = ToMap(wire.Proto.StructValue, dependencies);
            AssertReads(wire, PropertyValue.From(map), dependencies);
            Assert.Equal(((ObjectValue)wire.Expected).Map.Keys, map.Keys);
        }, iter: 2000);

    [Fact]
    public void ToProto_ThenToValue_RoundTripsWhatWasRead() =>
        Any(4).Sample(wire =>
        {
            var proto = ToProto(wire.Expected);
            var back = ToValue(proto);
            Assert.Equal(wire.Expected, back);
            Assert.Equal(proto, ToProto(back));
        }, iter: 3000);

    [Fact]
    public void ToStruct_ThenToMap_RoundTripsInOrder() =>
        Gen.Select(Key, Any(3)).Array[0, 6].Select(StructOf).Sample(wire =>
        {
            var map = ((ObjectValue)wire.Expected).Map;
            var back = ToMap(ToStruct(map));
            Assert.Equal(map, back);
            Assert.Equal(map.Keys, back.Keys);
        }, iter: 2000);

    /// <summary>Wire values the core writes back exactly as sent: no references or output values (the core reads them
    /// into plain values), no secret directly inside a secret (the core does not nest secrets).</summary>
    private static Gen<Wire> Plain(int depth)
    {
        var leaf = Leaf.Where(w => !IsSpecial(w.Proto));
        if (depth == 0) return leaf;
        var inner = Plain(depth - 1);
        return Gen.Frequency(
            (4, leaf),
            (1, inner.Where(w => !IsSpecial(w.Proto)).Select(SecretOf)),
            (1, inner.Array[0, 4].Select(ListOf)),
            (1, Gen.Select(Key, inner).Array[0, 4].Select(StructOf)));
    }

    private static bool IsSpecial(Value value) => value.StructValue?.Fields.ContainsKey(SignatureKey) == true;

    [Fact]
    public void ToValue_ThenToProto_PlainSecretAndUnknownWire_IsTheSameWire() =>
        Plain(4).Sample(wire => Assert.Equal(Canonical(wire.Proto), ToProto(ToValue(wire.Proto))), iter: 2000);

    /// <summary>The wire as the core writes it: an unset value is a null.</summary>
    private static Value Canonical(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.None => Value.ForNull(),
        Value.KindOneofCase.ListValue => Value.ForList([.. value.ListValue.Values.Select(Canonical)]),
        Value.KindOneofCase.StructValue => Value.ForStruct(Canonical(value.StructValue)),
        _ => value,
    };

    private static Struct Canonical(Struct s)
    {
        var result = new Struct();
        foreach (var (key, value) in s.Fields) result.Fields[key] = Canonical(value);
        return result;
    }

    // ---- assets and archives ----

    private static readonly Gen<Value> AssetOrArchive = Gen.OneOf(
        Special(AssetSig, ("path", Value.ForString("a.txt"))),
        Special(AssetSig, ("text", Value.ForString("hello"))),
        Special(AssetSig, ("uri", Value.ForString("https://example.com/a.txt"))),
        Special(ArchiveSig, ("path", Value.ForString("site.zip"))),
        Special(ArchiveSig, ("assets", Value.ForStruct(new Struct { Fields = { ["a"] = Special(AssetSig, ("text", Value.ForString("x"))) } }))));

    private static readonly Gen<Wire> Sibling = Any(1);

    /// <summary>An asset or archive nested under up to <paramref name="depth"/> lists, structs, secrets and output
    /// values, with harmless siblings; the path is where it sits relative to the outermost value.</summary>
    private static Gen<(Value Proto, string Path)> Nested(int depth)
    {
        var bottom = AssetOrArchive.Select(v => (v, ""));
        if (depth == 0) return bottom;
        var inner = Nested(depth - 1);
        return Gen.Frequency(
            (1, bottom),
            (2, Gen.Select(inner, Key, Gen.Select(Key, Sibling).Array[0, 2], (x, key, siblings) =>
            {
                var s = new Struct();
                foreach (var (k, v) in siblings.Where(e => e.Item1 != key)) s.Fields[k] = v.Proto;
                s.Fields[key] = x.Proto;
                return (Value.ForStruct(s), $".{key}{x.Path}");
            })),
            (2, Gen.Select(inner, Sibling.Array[0, 2], Sibling.Array[0, 2], (x, before, after) =>
                (Value.ForList([.. before.Select(b => b.Proto), x.Proto, .. after.Select(a => a.Proto)]), $"[{before.Length}]{x.Path}"))),
            (1, inner.Select(x => (Special(SecretSig, ("value", x.Proto)), x.Path))),
            (1, Gen.Select(inner, Gen.Bool, (x, secret) => (Special(OutputValueSig, ("value", x.Proto), ("secret", Value.ForBool(secret))), x.Path))));
    }

    [Fact]
    public void ToMap_AssetOrArchiveAnywhere_IsRefusedNamingItsPath() =>
        Gen.Select(Key, Nested(5)).Sample((key, nested) =>
        {
            var path = key + nested.Path;
            var e = Assert.Throws<UnsupportedValueException>(() => ToMap(new Struct { Fields = { [key] = nested.Proto } }));
            Assert.Equal(path, e.Path);
            Assert.Equal($"{path} is an asset or archive; multinode resources take none (pass the content as a string)", e.Message);
        }, iter: 2000);
}
