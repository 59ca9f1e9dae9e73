namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// Values known only at deployment compared by what they are made of (issue 21, item 1): the VPC lookup of the same
/// first subnet, another resource's output under the same declaration, the same encrypted config and the same invoke
/// are the same value on both sides of a diff. Pulumi YAML reads <c>${res.prop}</c> as that resource's output and
/// <c>secure:</c> as an encrypted config value (https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/).
/// </summary>
public sealed class DiffProvenanceTests : CliFixture
{
    private const string Program = """
        name: provenance
        runtime: yaml
        config:
          multinode:target: aws
          multinode:aws:
            value:
              subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]
          dbPassword:
            secret: true
            value: { secure: AAABAJzEV+0t3yeJpMiZ1h6L6W1hLCxO }
        variables:
          ami:
            fn::invoke:
              function: aws:ec2:getAmi
              arguments: { mostRecent: true, owners: [amazon] }
        resources:
          repo:
            type: aws:ecr:Repository
            properties:
              name: square
          square:
            type: multinode:index:Function
            properties:
              image: ${repo.repositoryUrl}:1.0.0
              env:
                DB_PASSWORD: ${dbPassword}
                TOKEN:
                  fn::secret: not-a-real-token
                AMI: ${ami.id}
          web:
            type: multinode:index:Service
            properties:
              image: ghcr.io/example/web:1.0.0
          api:
            type: multinode:index:Service
            properties:
              image: ghcr.io/example/api:1.0.0
        """;

    private string Write(string name, string text)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), text);
        return folder;
    }

    private string Edited(string name, string from, string to)
    {
        Assert.Contains(from, Program, StringComparison.Ordinal);
        return Write(name, Program.Replace(from, to, StringComparison.Ordinal));
    }

    public static TheoryData<string> Programs => [.. Repo.Programs().Select(p => Path.GetRelativePath(Repo.Root(), p))];

    [Theory]
    [MemberData(nameof(Programs))]
    public void Diff_EveryShippedProgramAgainstACopy_PrintsNoChange(string program)
    {
        var copy = Write("copy", File.ReadAllText(Repo.File(program)));
        var (code, stdout, stderr) = Run("diff", Repo.File(program), copy, "--format", "text");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("No changes:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_NoVpcIdEcrImageSecretsAndInvokeAgainstACopy_PrintsNoChange()
    {
        var (code, stdout, stderr) = Run("diff", Write("base", Program), Write("head", Program), "--format", "text");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("No changes:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_ImageBump_ChangesExactlyThatWorkload()
    {
        var head = Edited("bump", "web:1.0.0", "web:1.1.0");
        var (code, stdout, stderr) = Run("diff", Write("base", Program), head, "--format", "text");
        Assert.True(code == 0, stderr);
        // A new image is new user data: a new launch template version, rolled by the group; nothing replaced.
        Assert.EndsWith("bump: 1 workload changed · 0 to create · 2 to update · 0 to replace · 0 to delete", stdout.Split('\n')[0],
            StringComparison.Ordinal);
        Assert.Contains("Service \"web\": changed", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"api\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"square\"", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: square", "name: square-v2")]
    [InlineData("{ secure: AAABAJzEV+0t3yeJpMiZ1h6L6W1hLCxO }", "{ secure: AAABAOtherCiphertext00000000000 }")]
    [InlineData("mostRecent: true", "mostRecent: false")]
    public void Diff_WhatAnUnknownIsMadeOfChanges_ChangesTheWorkloadThatReadsIt(string from, string to)
    {
        var (code, stdout, stderr) = Run("diff", Write("base", Program), Edited("head", from, to), "--format", "text");
        Assert.True(code == 0, stderr);
        Assert.Contains("head: 1 workload changed", stdout.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("Function \"square\": changed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_FirstSubnetChanged_ChangesEveryVpcReader()
    {
        var head = Edited("subnet", "[subnet-0000000000000000a, subnet-0000000000000000b]",
            "[subnet-0000000000000000c, subnet-0000000000000000b]");
        var (code, stdout, stderr) = Run("diff", Write("base", Program), head, "--format", "text");
        Assert.True(code == 0, stderr);
        Assert.Contains("! square-sg (aws:ec2/securityGroup:SecurityGroup) is replaced because vpcId changed.", stdout,
            StringComparison.Ordinal);
    }
}
