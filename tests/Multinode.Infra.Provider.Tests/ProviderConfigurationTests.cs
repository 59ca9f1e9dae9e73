using Multinode.Infra.Configuration;
using Multinode.Infra.Values;

namespace Multinode.Infra.Provider.Tests;

public class ProviderConfigurationTests
{
    [Fact]
    public void FromArgs_JsonStringsWhereObjectsAndNumbersAreDeclared_AreParsed()
    {
        var config = ProviderConfiguration.FromArgs(new PropertyMap(
            ("target", "aws"), ("aws", """{"subnetIds":["subnet-a","subnet-b"]}"""), ("maxHourlyCost", "12.5"), ("version", "0.1.0")));
        Assert.Equal("""{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"]},"maxHourlyCost":12.5}""", config.ToString());
        var read = ProviderConfigReader.Read(config);
        Assert.True(read.IsValid);
        Assert.Equal(2, read.Value!.SettingsOf<Multinode.Infra.Targets.Aws.AwsConfig>().KnownSubnetCount);
    }

    [Fact]
    public void FromArgs_StringKeyThatLooksLikeJson_StaysAString()
    {
        var config = ProviderConfiguration.FromArgs(new PropertyMap(("target", "123")));
        Assert.Equal(PropertyValue.From("123"), config["target"]);
    }

    [Fact]
    public void FromVariables_DeprecatedKeys_AreUnprefixedAndParsed()
    {
        var config = ProviderConfiguration.FromVariables([
            KeyValuePair.Create("multinode:config:target", "kubernetes"),
            KeyValuePair.Create("multinode:config:kubernetes", """{"namespace":"jobs"}"""),
            KeyValuePair.Create("aws:config:region", "eu-west-1"),
        ]);
        Assert.Equal("""{"kubernetes":{"namespace":"jobs"},"target":"kubernetes"}""", config.ToString());
    }

    [Fact]
    public void FromConstructConfig_SecretKeys_AreSecret()
    {
        var config = ProviderConfiguration.FromConstructConfig(
            [KeyValuePair.Create("multinode:aws", """{"subnetIds":["s"]}"""), KeyValuePair.Create("multinode:target", "aws")],
            ["multinode:aws"]);
        Assert.Equal(PropertyValue.From("aws"), config["target"]);
        var aws = Assert.IsType<SecretValue>(config["aws"]);
        Assert.Equal("""{"subnetIds":["s"]}""", aws.Value.ToJson());
    }
}
