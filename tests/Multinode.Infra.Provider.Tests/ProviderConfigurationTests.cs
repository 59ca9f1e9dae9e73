using Multinode.Infra.Configuration;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

public class ProviderConfigurationTests
{
    [Fact]
    public void FromArgs_JsonStringsWhereObjectsAndNumbersAreDeclared_AreParsed()
    {
        var config = ProviderConfiguration.FromArgs(new PropertyMap(
            ("target", "aws"), ("aws", """{"subnetIds":["subnet-a","subnet-b"]}"""), ("maxHourlyCost", "12.5"), ("version", "0.1.0")));
        Assert.Equal("""{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"]},"maxHourlyCost":12.5}""", config.ToString());
        var read = ProviderConfigReader.Read(config, KindRegistry.Default);
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

    [Theory]
    [InlineData("""{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"]}}""", "subnet-a")]
    [InlineData("""{"target":"aws","aws":{"subnetIds":["subnet-a"],"vpcId":null}}""", "subnet-a")]
    [InlineData("""{"target":"aws","aws":{"subnetIds":["subnet-a"],"vpcId":"vpc-1"}}""", null)]
    [InlineData("""{"target":"aws","aws":{"subnetIds":["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]}}""", null)]
    [InlineData("""{"target":"kubernetes"}""", null)]
    public void ConfiguredProviderRead_ValidConfig_KeepsItTypedWithTheSubnetWhoseVpcConstructLooksUp(string json, string? subnet)
    {
        var args = PropertyConverter.ToMap(Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson(json));
        var configured = ConfiguredProvider.Read(ProviderConfiguration.FromArgs(args), KindRegistry.Default);
        Assert.True(configured.IsValid);
        Assert.Equal(subnet, configured.Value!.VpcLookupSubnet);
    }

    [Fact]
    public void ConfiguredProviderRead_SecretSubnetsWithoutVpcId_AsksForTheVpcInsteadOfLookingUp()
    {
        // The lookup's invoke arguments are plain text: a secret subnet is not sent (docs/provider.md).
        var configured = ConfiguredProvider.Read(new PropertyMap(("target", "aws"),
            ("aws", new PropertyMap(("subnetIds", PropertyValue.Secret(PropertyValue.Strings(["subnet-s", "subnet-t"])))))), KindRegistry.Default);
        var failure = Assert.Single(configured.Failures);
        Assert.Equal("aws.vpcId", failure.Path);
        Assert.DoesNotContain("subnet-s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredProviderRead_InvalidConfig_FailsWithEveryFailure() =>
        Assert.Equal(["provider config: target = \"gcp\" is not one of aws, kubernetes", "provider config: quotas.gpu = -1 is below the minimum of 0"],
            ConfiguredProvider.Read(new PropertyMap(("target", "gcp"), ("quotas", new PropertyMap(("gpu", -1)))), KindRegistry.Default).Failures.Select(f => f.ToString()));
}
