using Multinode.Infra.Values;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Tags on AWS as AWS takes them: at most 50 per resource with Multinode's own counted (AWS General Reference,
/// "Tagging your AWS resources": 50 user-created tags per resource), and no secret values, since instance tags are
/// readable through the instance metadata service (EC2 User Guide, "View tags from instance metadata").</summary>
public sealed class AwsTagsTests
{
    private static readonly ConfiguredProvider Aws = ConfiguredProvider.Read(new PropertyMap(("target", "aws"),
        ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a"])), ("vpcId", "vpc-1")))), KindRegistry.Default).Value!;

    private static ConstructRequest Request(PropertyValue tags) => new()
    {
        Type = "multinode:index:Daemon",
        Name = "d",
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = "127.0.0.1:1",
        DryRun = true,
        Inputs = PropertyConverter.ToStruct(new PropertyMap(("image", "img"), ("tags", tags))),
    };

    private static PropertyValue Tags(int count) =>
        PropertyValue.From(new PropertyMap(Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"t{i}", (PropertyValue)"v"))));

    [Fact]
    public async Task ConstructAsync_48UserTags_RefusedAsAbove50WithMultinodesOwn()
    {
        using var constructor = new ComponentConstructor(new EngineLog(null));
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(Request(Tags(48)), Aws, CancellationToken.None));
        var failure = Assert.Single(e.Failures);
        Assert.Equal("tags", failure.Path);
        Assert.Contains("above AWS's limit of 50 tags per resource", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConstructAsync_SecretTag_RefusedWithTheReason()
    {
        using var constructor = new ComponentConstructor(new EngineLog(null));
        var tags = PropertyValue.From(new PropertyMap(("team", PropertyValue.Secret("s3cret"))));
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(Request(tags), Aws, CancellationToken.None));
        var failure = Assert.Single(e.Failures);
        Assert.Equal("tags.team", failure.Path);
        Assert.Contains("is a secret, but AWS tags are not secret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failure.Message, StringComparison.Ordinal);
    }
}
