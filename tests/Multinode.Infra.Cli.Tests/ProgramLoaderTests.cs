namespace Multinode.Infra.Cli.Tests;

/// <summary>What only the YAML shows: interpolations naming nothing, config stored as text, places of problems.</summary>
public sealed class ProgramLoaderTests : CliFixture
{
    private string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Validate_InterpolationNamingNothing_IsAProblemNamingIt()
    {
        var file = Write("Pulumi.yaml", """
            name: refs
            runtime: yaml
            config:
              multinode:target: kubernetes
              region: eu-west-1
            variables:
              tag: ${regoin}
            resources:
              bucket:
                type: aws:s3:Bucket
              f:
                type: multinode:index:Function
                properties:
                  image: ${imageRepo}:1.0
                  args: ["--bucket=${bucket.id}", "--region=${region}", "--org=${pulumi.organization}", "--later=${late}"]
                  env:
                    TOKEN: ${secrets.token}
            """);
        Write("Pulumi.dev.yaml", "config:\n  late: x\n");
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Equal($$"""
            {{file}}:7:8: variable "tag": refers to ${regoin}, but "regoin" is not a config key, variable or resource of this program
            {{file}}:14:14: Function "f": image refers to ${imageRepo}, but "imageRepo" is not a config key, variable or resource of this program
            {{file}}:15:93: Function "f": args[3] refers to ${late}, but "late" is not a config key, variable or resource of this program
            {{file}}:17:16: Function "f": env.TOKEN refers to ${secrets.token}, but "secrets" is not a config key, variable or resource of this program
            {{file}}: 4 problems found; nothing was planned.

            """.ReplaceLineEndings("\n"), stderr.ReplaceLineEndings("\n"));

        // With the stack, ${late} is a config key.
        (code, _, stderr) = Run("validate", file, "--stack", "dev");
        Assert.Equal(1, code);
        Assert.DoesNotContain("${late}", stderr, StringComparison.Ordinal);
    }

    private const string Program = """
        name: text
        runtime: yaml
        config:
          multinode:target: aws
        resources:
          api:
            type: multinode:index:Daemon
            properties: { image: app, resources: { cpu: 4, memory: 16Gi } }
        """;

    /// <summary>`pulumi config set multinode:maxHourlyCost 0.5` and `--path`-less JSON objects store text; the
    /// provider reads that text as JSON (ProviderConfiguration), and so must the CLI.</summary>
    [Fact]
    public void Plan_StackConfigStoredAsText_ReadAsTheProviderReadsIt()
    {
        var file = Write("Pulumi.yaml", Program);
        Write("Pulumi.text.yaml", """
            config:
              multinode:aws: '{"subnetIds": ["subnet-a", "subnet-b"], "vpcId": "vpc-1"}'
              multinode:maxHourlyCost: "0.05"
              multinode:quotas: '{"cpu": 64}'
            """);
        Write("Pulumi.structured.yaml", """
            config:
              multinode:aws: { subnetIds: [subnet-a, subnet-b], vpcId: vpc-1 }
              multinode:maxHourlyCost: 0.05
              multinode:quotas: { cpu: 64 }
            """);
        var text = Run("validate", file, "--stack", "text");
        var structured = Run("validate", file, "--stack", "structured");
        Assert.Equal(1, structured.Code);
        Assert.Contains("maxHourlyCost = 0.05 is exceeded", structured.Err, StringComparison.Ordinal);
        Assert.Equal(structured.Code, text.Code);
        Assert.Equal(structured.Err.Replace("Pulumi.structured.yaml", "Pulumi.text.yaml", StringComparison.Ordinal), text.Err);
    }

    [Fact]
    public void Plan_StackConfigTextThatIsNoJson_StaysTextAndIsNamed()
    {
        var file = Write("Pulumi.yaml", Program);
        Write("Pulumi.bad.yaml", "config:\n  multinode:aws: '{subnetIds: [a'\n  multinode:maxHourlyCost: half\n");
        var (code, _, stderr) = Run("validate", file, "--stack", "bad");
        Assert.Equal(1, code);
        var stackFile = Path.Combine(Dir, "Pulumi.bad.yaml");
        Assert.Contains($"{stackFile}:2:18: provider config: aws = \"{{subnetIds: [a\" must be an object", stderr, StringComparison.Ordinal);
        Assert.Contains($"{stackFile}:3:28: provider config: maxHourlyCost = \"half\" must be a number", stderr, StringComparison.Ordinal);
    }
}

public sealed class ConsoleSettingsTests
{
    [Theory]
    [InlineData(false, null, Spectre.Console.ColorSystemSupport.Detect)]
    [InlineData(false, "", Spectre.Console.ColorSystemSupport.Detect)]
    [InlineData(false, "1", Spectre.Console.ColorSystemSupport.NoColors)]
    [InlineData(true, null, Spectre.Console.ColorSystemSupport.NoColors)]
    public void ConsoleSettings_NoColorSet_NoColours(bool redirected, string? noColor, Spectre.Console.ColorSystemSupport expected) =>
        Assert.Equal(expected, Multinode.Infra.Cli.Cli.ConsoleSettings(TextWriter.Null, redirected, noColor).ColorSystem);
}
