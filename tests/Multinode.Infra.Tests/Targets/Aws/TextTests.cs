using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed class TextTests
{
    [Fact]
    public void Concat_KnownParts_IsPlainText() =>
        Assert.Equal(PropertyValue.From("a=1\n"), Text.Concat(["a=", PropertyValue.From(1), "\n"]));

    [Fact]
    public void Concat_SecretPart_IsSecretAsAWhole() =>
        Assert.Equal(PropertyValue.Secret("TOKEN=x"), Text.Concat(["TOKEN=", PropertyValue.Secret("x")]));

    [Fact]
    public void Concat_UnknownPart_IsUnknownAsAWhole() =>
        Assert.Equal(PropertyValue.Unknown, Text.Concat(["image ", PropertyValue.Unknown]));

    [Fact]
    public void Concat_SecretAndUnknown_IsSecretUnknown() =>
        Assert.Equal(PropertyValue.Secret(PropertyValue.Unknown), Text.Concat([PropertyValue.Secret("a"), PropertyValue.Unknown]));

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(rm -rf /)", "'$(rm -rf /)'")]
    public void ShellQuote_Text_IsOneLiteralWord(string text, string quoted) => Assert.Equal(quoted, Text.ShellQuote(text));

    [Fact]
    public void Base64_Secret_StaysSecret() =>
        Assert.Equal(PropertyValue.Secret("aGk="), Text.Base64(PropertyValue.Secret("hi")));
}
