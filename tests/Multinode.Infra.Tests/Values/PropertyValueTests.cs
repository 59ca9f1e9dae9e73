using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Values;

public sealed class PropertyValueTests
{
    [Fact]
    public void Concat_KnownParts_IsPlainText() =>
        Assert.Equal(PropertyValue.From("a=1\n"), PropertyValue.Concat(["a=", PropertyValue.From(1), "\n"]));

    [Fact]
    public void Concat_SecretPart_IsSecretAsAWhole() =>
        Assert.Equal(PropertyValue.Secret("TOKEN=x"), PropertyValue.Concat(["TOKEN=", PropertyValue.Secret("x")]));

    [Fact]
    public void Concat_UnknownPart_IsUnknownAsAWhole() =>
        Assert.Equal(PropertyValue.Unknown, PropertyValue.Concat(["image ", PropertyValue.Unknown]));

    [Fact]
    public void Concat_SecretAndUnknown_IsSecretUnknown() =>
        Assert.Equal(PropertyValue.Secret(PropertyValue.Unknown), PropertyValue.Concat([PropertyValue.Secret("a"), PropertyValue.Unknown]));

    [Fact]
    public void Concat_Reference_IsInterpolationWithMergedLiterals()
    {
        var value = PropertyValue.Concat(["http", "://", PropertyValue.Reference("lb", "dnsName"), "", ":", PropertyValue.From(80)]);
        Assert.Equal(new InterpolationValue(["http://", PropertyValue.Reference("lb", "dnsName"), ":80"]), value);
        Assert.Equal(["lb"], value.References());
        Assert.Equal("\"http://${lb.dnsName}:80\"", value.Display());
        Assert.Equal("""{"concat":["http://",{"resource":"lb","property":"dnsName"},":80"]}""", value.ToJson());
    }

    [Fact]
    public void Concat_NestedInterpolation_Flattens() =>
        Assert.Equal(
            new InterpolationValue([PropertyValue.Reference("a", "id"), "/", PropertyValue.Reference("b", "id")]),
            PropertyValue.Concat([PropertyValue.Concat([PropertyValue.Reference("a", "id"), "/"]), PropertyValue.Reference("b", "id")]));

    [Fact]
    public void Concat_SecretReference_IsSecretInterpolation() =>
        Assert.Equal(PropertyValue.Secret(new InterpolationValue(["x=", PropertyValue.Reference("p", "value")])),
            PropertyValue.Concat(["x=", PropertyValue.Secret(PropertyValue.Reference("p", "value"))]));

    [Fact]
    public void ToJson_UnknownAndSecret_WithholdValues() =>
        Assert.Equal("""{"a":{"unknown":true},"b":{"secret":true},"c":3}""",
            PropertyValue.From(new PropertyMap(("a", PropertyValue.Unknown), ("b", PropertyValue.Secret("pw")), ("c", 3))).ToJson());
}
