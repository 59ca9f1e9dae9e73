using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed class TextTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(rm -rf /)", "'$(rm -rf /)'")]
    public void ShellQuote_Text_IsOneLiteralWord(string text, string quoted) => Assert.Equal(quoted, Text.ShellQuote(text));

    [Fact]
    public void Base64_Secret_StaysSecret() =>
        Assert.Equal(PropertyValue.Secret("aGk="), Text.Base64(PropertyValue.Secret("hi")));
}
