using Google.Protobuf.WellKnownTypes;
using Multinode.Infra.Values;
using static Multinode.Infra.Provider.PropertyConverter;

namespace Multinode.Infra.Provider.Tests;

public class PropertyConverterTests
{
    private static Value Special(string sig, params (string Key, Value Value)[] fields)
    {
        var s = new Struct { Fields = { [SignatureKey] = Value.ForString(sig) } };
        foreach (var (key, value) in fields) s.Fields[key] = value;
        return Value.ForStruct(s);
    }

    [Fact]
    public void ToValue_PlainJson_KeepsShapeAndIntegers()
    {
        var value = Value.ForStruct(new Struct
        {
            Fields =
            {
                ["n"] = Value.ForNumber(20),
                ["f"] = Value.ForNumber(0.65),
                ["b"] = Value.ForBool(true),
                ["l"] = Value.ForList(Value.ForString("a"), Value.ForNull()),
            },
        });
        var converted = ToValue(value);
        Assert.Equal("""{"n":20,"f":0.65,"b":true,"l":["a",null]}""", converted.ToJson());
        Assert.Equal(value, ToProto(converted));
    }

    [Fact]
    public void ToValue_UnknownSentinel_IsUnknownAndRoundTrips()
    {
        Assert.Equal(PropertyValue.Unknown, ToValue(Value.ForString(UnknownString)));
        Assert.Equal(UnknownString, ToProto(PropertyValue.Unknown).StringValue);
    }

    [Fact]
    public void Secret_RoundTripsWithItsSignature()
    {
        var wire = Special(SecretSig, ("value", Value.ForString("hunter2")));
        var value = ToValue(wire);
        Assert.Equal(PropertyValue.Secret("hunter2"), value);
        Assert.Equal(wire, ToProto(value));
    }

    [Fact]
    public void SecretInsideObject_StaysSecretOnTheWayOut()
    {
        var map = new PropertyMap(("env", new PropertyMap(("TOKEN", PropertyValue.Secret("t")), ("PLAIN", "p"))));
        var wire = ToStruct(map);
        var token = wire.Fields["env"].StructValue.Fields["TOKEN"].StructValue;
        Assert.Equal(SecretSig, token.Fields[SignatureKey].StringValue);
        Assert.Equal("t", token.Fields["value"].StringValue);
        Assert.Equal("p", wire.Fields["env"].StructValue.Fields["PLAIN"].StringValue);
    }

    [Fact]
    public void OutputValue_KnownSecretWithDependencies_IsSecretAndRecordsDependencies()
    {
        var deps = new HashSet<string>();
        var value = ToValue(Special(OutputValueSig, ("value", Value.ForNumber(3)), ("secret", Value.ForBool(true)),
            ("dependencies", Value.ForList(Value.ForString("urn:a"), Value.ForString("urn:b")))), deps);
        Assert.Equal(PropertyValue.Secret(3), value);
        Assert.Equal(["urn:a", "urn:b"], deps.Order());
    }

    [Fact]
    public void OutputValue_WithoutValue_IsUnknown()
    {
        Assert.Equal(PropertyValue.Unknown, ToValue(Special(OutputValueSig, ("dependencies", Value.ForList()))));
        Assert.Equal(PropertyValue.Secret(PropertyValue.Unknown), ToValue(Special(OutputValueSig, ("secret", Value.ForBool(true)))));
    }

    [Fact]
    public void ResourceReference_CustomIsItsIdComponentItsUrn()
    {
        var deps = new HashSet<string>();
        Assert.Equal(PropertyValue.From("vol-1"), ToValue(Special(ResourceReferenceSig, ("urn", Value.ForString("urn:v")), ("id", Value.ForString("vol-1"))), deps));
        Assert.Equal(PropertyValue.From("urn:c"), ToValue(Special(ResourceReferenceSig, ("urn", Value.ForString("urn:c"))), deps));
        Assert.Equal(PropertyValue.Unknown, ToValue(Special(ResourceReferenceSig, ("urn", Value.ForString("urn:p")), ("id", Value.ForString(UnknownString))), deps));
        Assert.Equal(["urn:c", "urn:p", "urn:v"], deps.Order());
    }

    [Fact]
    public void Asset_IsRejectedWithAReadableMessage()
    {
        var e = Assert.Throws<UnsupportedValueException>(() => ToValue(Special(AssetSig, ("path", Value.ForString("a.txt")))));
        Assert.Equal("the value is an asset or archive; multinode resources take none (pass the content as a string)", e.Message);
    }

    [Fact]
    public void ToMap_NestedDeeperThanMaxDepth_NamesTheProperty()
    {
        var deep = Value.ForString("leaf");
        for (var i = 0; i <= PropertyConverter.MaxDepth; i++) deep = Value.ForList(deep);
        var e = Assert.Throws<UnsupportedValueException>(() => ToMap(new Struct { Fields = { ["args"] = deep } }));
        Assert.Equal("args" + string.Concat(Enumerable.Repeat("[0]", PropertyConverter.MaxDepth + 1)), e.Path);
        Assert.EndsWith("nests lists and objects deeper than 32 levels, the most this provider reads", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToProto_UnresolvedReference_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ToProto(PropertyValue.Reference("queue", "url")));
    }

    [Theory]
    [InlineData("{\"subnetIds\":[\"a\"]}", "{\"subnetIds\":[\"a\"]}")]
    [InlineData("250", "250")]
    [InlineData("true", "true")]
    [InlineData("aws", "\"aws\"")]
    [InlineData("{not json", "\"{not json\"")]
    public void FromConfigText_ParsesJsonElseKeepsText(string text, string json)
    {
        Assert.Equal(json, FromConfigText(text).ToJson());
    }
}
