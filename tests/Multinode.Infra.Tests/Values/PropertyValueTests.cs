using CsCheck;
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
    public void UnknownFrom_SameOperationAndArguments_IsTheSameValue()
    {
        // The VPC lookup of the same first subnet is the same VPC; of another subnet, another one.
        var vpc = PropertyValue.UnknownFrom("aws:ec2/getSubnet:getSubnet.vpcId", "subnet-a");
        Assert.Equal(vpc, PropertyValue.UnknownFrom("aws:ec2/getSubnet:getSubnet.vpcId", "subnet-a"));
        Assert.NotEqual(vpc, PropertyValue.UnknownFrom("aws:ec2/getSubnet:getSubnet.vpcId", "subnet-b"));
        Assert.NotEqual(vpc, PropertyValue.UnknownFrom("aws:ec2/getVpc:getVpc.id", "subnet-a"));
        Assert.False(vpc.ContainsAnonymousUnknown);
        Assert.True(vpc.ContainsUnknown);
    }

    [Fact]
    public void UnknownFrom_ArgumentOfUnknownMaking_IsOfUnknownMaking() =>
        Assert.True(PropertyValue.UnknownFrom("f", "a", PropertyValue.From([PropertyValue.Unknown])).ContainsAnonymousUnknown);

    [Fact]
    public void Concat_UnknownPartWithProvenance_IsUnknownMadeOfTheParts()
    {
        var url = PropertyValue.UnknownFrom("output", "repo.repositoryUrl", "resource repo=...");
        var image = PropertyValue.Concat([url, ":1.0"]);
        Assert.Equal(image, PropertyValue.Concat([url, ":1.0"]));
        Assert.NotEqual(image, PropertyValue.Concat([url, ":1.1"]));
        Assert.IsType<UnknownValue>(image);
        Assert.False(image.ContainsAnonymousUnknown);
    }

    [Fact]
    public void References_UnknownMadeFromAChildsOutput_NamesThatChild() =>
        Assert.Equal(["a-lt"], PropertyValue.UnknownFrom("f", PropertyValue.Reference("a-lt", "id")).References());

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

    [Theory]
    [InlineData("""{"a":1,"b":[true,false,null,"x",[],{}],"c":{"d":-2.5e3,"e":"\u00e9"}}""")]
    [InlineData("""{"k":1,"j":2,"k":3}""")]
    [InlineData("""{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":{"x":[1,{"y":2}]},"b":10}""")]
    [InlineData("""[{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9},[[]],"s"]""")]
    public void FromJson_Reader_GivesWhatTheDocumentGives(string json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var read = PropertyValue.FromJson(ref reader);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var parsed = PropertyValue.FromJson(document.RootElement);
        Assert.Equal(parsed, read);
        Assert.Equal(parsed.ToJson(), read.ToJson()); // and in the same order
    }

    /// <summary>Quoting skips the JSON writer for plain text: it must give what the writer gives, for plain text and
    /// for text near it (quotes, backslashes, control characters, non-ASCII, HTML marks).</summary>
    [Fact]
    public void Quote_AnyText_IsWhatTheJsonWriterWrites() =>
        Gen.String[Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['0', '9'],
                Gen.Char["-_.:/ \"\\\n\u0001é≈<&'+`"]), 0, 12]
            .Sample(text => Assert.Equal(JsonOutput.Text(w => w.WriteStringValue(text), JsonOutput.Compact), PropertyValue.Quote(text)), iter: 5000);
}
