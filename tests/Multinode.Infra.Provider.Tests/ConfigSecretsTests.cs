using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>
/// Config secrets keep their secretness (PROTOCOL.md: Configure receives secrets re-marked, as secret envelopes):
/// honoured or refused with a message, never dropped, never sent or quoted in plaintext.
/// </summary>
public sealed class ConfigSecretsTests() : HostedPlugin(withLog: true)
{
    private const string Secret = """{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":VALUE}""";
    private const string Unknown = "\"04da6b54-80e4-46f7-96ec-b56ff0331ba9\"";

    private ResourceProvider.ResourceProviderClient Client => new(_channel!);

    private static string Secreted(string json) => Secret.Replace("VALUE", json, StringComparison.Ordinal);

    private Task Configure(string json) =>
        Client.ConfigureAsync(new ConfigureRequest { Args = Struct.Parser.ParseJson(json) }).ResponseAsync;

    private ConstructRequest Request(string inputs, bool dryRun = false) => new()
    {
        Project = "proj",
        Stack = "dev",
        Type = "multinode:index:Daemon",
        Name = "ingest",
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = _engineAddress,
        DryRun = dryRun,
        Inputs = Struct.Parser.ParseJson(inputs),
        Providers = { ["aws"] = "urn:pulumi:dev::proj::pulumi:providers:aws::default::id-aws" },
    };

    /// <summary>Every message the plugin sent or answered, for scanning.</summary>
    private IEnumerable<string> Messages(RpcException? e) =>
        _engine.Logs.Select(l => l.Message).Concat(e is null ? [] : [e.Status.Detail]);

    [Theory]
    [InlineData("""{"subnetIds":SECRET}""", "[\"subnet-s3cret\",\"subnet-b\"]")]
    [InlineData("""{"subnetIds":[SECRET,"subnet-b"]}""", "\"subnet-s3cret\"")]
    public async Task Configure_SecretFirstSubnetWithoutVpcId_RefusesTheLookupNamingVpcIdAndNeverSendsIt(string aws, string secret)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Configure($$$"""{"target":"aws","aws":{{{aws.Replace("SECRET", Secreted(secret), StringComparison.Ordinal)}}}}"""));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("set multinode:aws.vpcId", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("aws.vpcId", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Messages(e), m => m.Contains("s3cret", StringComparison.Ordinal));
        Assert.Empty(_engine.Invokes);
    }

    [Fact]
    public async Task Construct_SecretSubnetsWithVpcId_GoToTheGroupAsSecrets()
    {
        var subnets = Secreted("[\"subnet-s3cret\"]");
        await Configure($$$"""{"target":"aws","aws":{"subnetIds":{{{subnets}}},"vpcId":"vpc-1"}}""");
        await Client.ConstructAsync(Request("""{"image":"x"}"""));
        var group = Assert.Single(_engine.Registered, r => r.Type == "aws:autoscaling/group:Group");
        Assert.True(WireSecrets.InSecret(group.Object, "subnet-s3cret"), group.Object.ToString());
        Assert.All(_engine.Registered, r => Assert.Empty(WireSecrets.PlainPaths(r, "s3cret")));
        Assert.Empty(_engine.Invokes);
    }

    [Theory]
    [InlineData("""{"securityGroupIds":SECRET}""", "[\"sg-s3cret\"]")]
    [InlineData("""{"securityGroupIds":[SECRET]}""", "\"sg-s3cret\"")]
    public async Task Construct_SecretSecurityGroups_ReachTheLaunchTemplateAsSecrets(string groups, string secret)
    {
        var extra = groups.Replace("SECRET", Secreted(secret), StringComparison.Ordinal)[1..^1];
        await Configure($$$"""{"target":"aws","aws":{"subnetIds":["subnet-a"],"vpcId":"vpc-1",{{{extra}}}}}""");
        await Client.ConstructAsync(Request("""{"image":"x"}"""));
        var template = Assert.Single(_engine.Registered, r => r.Type == "aws:ec2/launchTemplate:LaunchTemplate");
        // Not dropped: the group is there, inside a secret, beside the workload's own group.
        Assert.True(WireSecrets.InSecret(template.Object, "sg-s3cret"), template.Object.ToString());
        Assert.Empty(WireSecrets.PlainPaths(template, "s3cret"));
    }

    [Fact]
    public async Task Construct_SecretInstanceTypeItem_IsRefusedWithoutQuotingIt()
    {
        await Configure("""{"target":"aws","aws":{"subnetIds":["subnet-a"],"vpcId":"vpc-1"}}""");
        var inputs = $$"""{"image":"x","instanceTypes":["m5.large",{{Secreted("\"c5.s3cret\"")}}]}""";
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(Request(inputs)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("instanceTypes[1] is a secret", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Messages(e), m => m.Contains("s3cret", StringComparison.Ordinal));
        Assert.Empty(_engine.Registered);
    }

    [Fact]
    public async Task Construct_UnknownInstanceTypeItemInPreview_IsRefusedNotMadeUp()
    {
        await Configure("""{"target":"aws","aws":{"subnetIds":["subnet-a"],"vpcId":"vpc-1"}}""");
        _engine.DryRun = true;
        var inputs = $$"""{"image":"x","instanceTypes":[{{Unknown}}]}""";
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(Request(inputs, dryRun: true)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("instanceTypes[0] is not known until deployment", e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_engine.Registered);
    }

    [Fact]
    public async Task Construct_GetSubnetAnswerWithoutVpcId_IsAnErrorNamingIt()
    {
        await Configure("""{"target":"aws","aws":{"subnetIds":["subnet-novpc"]}}""");
        var e = await Assert.ThrowsAsync<RpcException>(() => Client.ConstructAsync(Request("""{"image":"x"}""")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("answered without vpcId", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("set multinode:aws.vpcId", e.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(_engine.Registered);
    }
}
