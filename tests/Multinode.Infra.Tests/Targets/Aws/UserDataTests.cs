using Multinode.Infra.Configuration;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed class UserDataTests
{
    private static Container Container(PropertyValue image, PropertyValue? command = null, PropertyValue? args = null, PropertyMap? env = null) =>
        new(image, command, args, env ?? PropertyMap.Empty, 300, PropertyMap.Empty, []);

    [Fact]
    public void Script_CommandAndArgs_BecomeEntrypointAndQuotedWords()
    {
        var daemon = new DaemonWorkload("d", Container("img", PropertyValue.Strings(["python", "-m", "app"]), PropertyValue.Strings(["--name", "it's"])),
            ResourceRequest.Default);
        var script = ((StringValue)UserData.Script(daemon, AwsKinds.Table[daemon.Kind].Shape(daemon)!, hasSecrets: false, ecr: [], WorkerImages.Default)).Value;
        Assert.Contains(" --entrypoint 'python' 'img' '-m' 'app' '--name' 'it'\\''s'\n", script, StringComparison.Ordinal);
        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("aws ssm", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_Resources_LimitTheContainerToTheRequest()
    {
        var daemon = new DaemonWorkload("d", Container("img"), new ResourceRequest(1.5, Memory.Parse("2Gi"), null));
        var script = ((StringValue)UserData.Script(daemon, AwsKinds.Table[daemon.Kind].Shape(daemon)!, hasSecrets: false, ecr: [], WorkerImages.Default)).Value;
        Assert.Contains("docker run -d --restart always --name app --cpus 1.5 --memory 2147483648b --memory-swap 2147483648b ", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_UnknownEnvValue_MakesScriptUnknown()
    {
        var daemon = new DaemonWorkload("d", Container("img", env: new PropertyMap(("A", PropertyValue.Unknown))), ResourceRequest.Default);
        Assert.Equal(PropertyValue.Unknown, UserData.Script(daemon, AwsKinds.Table[daemon.Kind].Shape(daemon)!, hasSecrets: false, ecr: [], WorkerImages.Default));
    }

    [Fact]
    public void SecretEnvFile_OnlySecretValues_InEnvFileFormat()
    {
        var env = new PropertyMap(("PLAIN", "p"), ("A", PropertyValue.Secret("1")), ("B", PropertyValue.Secret("2")));
        Assert.Equal(PropertyValue.Secret("A=1\nB=2\n"), UserData.SecretEnvFile(Container("img", env: env)));
        Assert.Null(UserData.SecretEnvFile(Container("img", env: new PropertyMap(("PLAIN", "p")))));
    }

    [Theory]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/media/transcoder:2.0.0", "arn:aws:ecr:us-east-1:123456789012:repository/media/transcoder")]
    [InlineData("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:abc123", "arn:aws:ecr:eu-west-1:123456789012:repository/app")]
    [InlineData("ghcr.io/example/app:1.0", null)]
    public void EcrImage_From_RecognisesEcrRepositories(string image, string? arn) =>
        Assert.Equal(arn is null ? null : PropertyValue.From(arn), EcrImage.From(image)?.RepositoryArn);

    [Fact]
    public void EcrImage_FromSecret_DerivedValuesAreSecret()
    {
        var ecr = EcrImage.From(PropertyValue.Secret("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1"))!;
        Assert.Equal(PropertyValue.Secret("arn:aws:ecr:us-east-1:123456789012:repository/team/app"), ecr.RepositoryArn);
        Assert.Equal(PropertyValue.Secret("123456789012.dkr.ecr.us-east-1.amazonaws.com"), ecr.Registry);
    }

    [Fact]
    public void EcrImage_FromUnknown_IsNull() => Assert.Null(EcrImage.From(PropertyValue.Unknown));
}
