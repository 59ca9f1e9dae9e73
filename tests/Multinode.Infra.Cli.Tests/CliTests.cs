using System.Text.Json;

namespace Multinode.Infra.Cli.Tests;

public sealed class CliTests : CliFixture
{
    private string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Config = """
        config:
          multinode:target: kubernetes
        """;

    [Fact]
    public void Validate_ThreeMistakes_PrintsThreeMessagesAndExitsOne()
    {
        var file = Write("Pulumi.yaml", $$"""
            name: broken
            runtime: yaml
            {{Config}}
            resources:
              square:
                type: multinode:index:Function
                properties:
                  image: app
                  maxWorkers: 150
              api:
                type: multinode:index:Service
                properties:
                  image: app
                  minReplicas: 5
                  maxReplicas: 3
              nightly:
                type: multinode:index:ScheduledTask
                properties:
                  image: app
                  schedule: "0 3 * * *"
                  timeZone: Mars/Olympus
              bucket:
                type: aws:s3:Bucket
            """);
        var (code, stdout, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"""
            {file}:10:19: Function "square": maxWorkers = 150 is above the limit of 100
            {file}:15:20: Service "api": minReplicas = 5 is above the limit of maxReplicas = 3
            {file}:22:17: ScheduledTask "nightly": timeZone = "Mars/Olympus" is not an IANA time zone such as "UTC" or "Europe/Berlin"
            {file}: 3 problems found; nothing was planned.

            """.ReplaceLineEndings("\n"), stderr);
    }

    [Fact]
    public void Validate_RootProgram_ExitsZero()
    {
        var (code, stdout, stderr) = Run("validate", Repo.File("Pulumi.yaml"));
        Assert.True(code == 0, stderr);
        Assert.Contains("5 workload(s) and the multinode config are valid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryShippedProgram_ExitsZero()
    {
        var programs = Repo.Programs().ToList();
        Assert.True(programs.Count > 1, "the root program and the examples");
        foreach (var program in programs)
        {
            var (code, stdout, stderr) = Run("validate", program);
            Assert.True(code == 0, $"{program}: {stderr}");
            Assert.Contains("are valid", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plan_RootProgram_ShowsAllFiveWorkloadsWithDefaults()
    {
        var (code, stdout, stderr) = Run("plan", Repo.File("Pulumi.yaml"));
        Assert.True(code == 0, stderr);
        foreach (var label in new[] { "Function \"embed\"", "Job \"transcode\"", "Service \"api\"", "ScheduledTask \"nightly-report\"", "Daemon \"ingest\"" })
            Assert.Contains(label, stdout, StringComparison.Ordinal);
        // Defaults that the program does not write: the Daemon's timeout and the Job's default-free env.
        Assert.Matches(@"timeoutSeconds\s+│\s+300", stdout);
        Assert.Contains("[secret]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_example_token_not_real", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Json_HasWorkloadsSettingsAndResources()
    {
        var (code, stdout, stderr) = Run("plan", Repo.File("Pulumi.yaml"), "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var workloads = json.RootElement.GetProperty("workloads").EnumerateArray().ToList();
        Assert.Equal(["multinode:index:Function", "multinode:index:Job", "multinode:index:Service", "multinode:index:ScheduledTask", "multinode:index:Daemon"],
            workloads.Select(w => w.GetProperty("kind").GetString()));
        var embed = workloads[0].GetProperty("settings");
        Assert.Equal("t4", embed.GetProperty("resources").GetProperty("gpu").GetProperty("type").GetString());
        Assert.True(embed.GetProperty("env").GetProperty("HF_TOKEN").GetProperty("secret").GetBoolean());
        Assert.DoesNotContain("hf_example_token_not_real", stdout, StringComparison.Ordinal);
        var daemon = workloads[4].GetProperty("settings");
        Assert.Equal(300, daemon.GetProperty("timeoutSeconds").GetInt32());
        var resources = json.RootElement.GetProperty("resources").EnumerateArray().ToList();
        Assert.NotEmpty(resources);
        foreach (var resource in resources)
            foreach (var field in new[] { "type", "name", "parent", "dependsOn", "inputs" })
                Assert.True(resource.TryGetProperty(field, out _), $"resource lacks {field}");
    }

    [Fact]
    public void Plan_UnresolvedInterpolation_IsUnknownNotAnError()
    {
        var file = Write("Pulumi.yaml", $$"""
            name: interp
            runtime: yaml
            {{Config}}
              region: eu-west-1
            resources:
              repo:
                type: aws:ecr:Repository
              worker:
                type: multinode:index:Daemon
                properties:
                  image: ${repo.repositoryUrl}:latest
                  env:
                    REGION: ${region}
                    STACK: ${pulumi.stack}
            """);
        var (code, stdout, stderr) = Run("plan", file, "--format", "json", "--stack", "dev");
        Assert.Equal(2, code); // no Pulumi.dev.yaml beside it
        Assert.Contains("Pulumi.dev.yaml: no such stack file", stderr, StringComparison.Ordinal);

        Write("Pulumi.dev.yaml", "config:\n  interp:region: us-west-2\n");
        (code, stdout, stderr) = Run("plan", file, "--format", "json", "--stack", "dev");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var settings = json.RootElement.GetProperty("workloads")[0].GetProperty("settings");
        Assert.True(settings.GetProperty("image").GetProperty("unknown").GetBoolean());
        Assert.Equal("us-west-2", settings.GetProperty("env").GetProperty("REGION").GetString());
        Assert.Equal("dev", settings.GetProperty("env").GetProperty("STACK").GetString());
    }

    [Fact]
    public void Plan_StackConfig_WinsOverProjectConfig()
    {
        var file = Write("Pulumi.yaml", """
            name: stacked
            runtime: yaml
            config:
              multinode:target:
                type: string
                default: aws
            resources:
              d:
                type: multinode:index:Daemon
                properties:
                  image: app
            """);
        Write("Pulumi.k8s.yaml", "config:\n  multinode:target: kubernetes\n");
        var (code, stdout, stderr) = Run("plan", file, "--format", "json", "--stack", "k8s");
        Assert.True(code == 0, stderr);
        Assert.Equal("kubernetes", JsonDocument.Parse(stdout).RootElement.GetProperty("target").GetString());

        (code, _, stderr) = Run("plan", file);
        Assert.Equal(1, code);
        Assert.Contains("provider config: aws.subnetIds is required when target = \"aws\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Markdown_HasATablePerWorkload()
    {
        var (code, stdout, stderr) = Run("plan", Repo.File("Pulumi.yaml"), "--format", "markdown");
        Assert.True(code == 0, stderr);
        Assert.Contains("### Function `embed`", stdout, StringComparison.Ordinal);
        Assert.Contains("| maxWorkers | 20 |", stdout, StringComparison.Ordinal);
        Assert.Contains("### Totals at maximum scale", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("plan Pulumi.yaml --format html")]
    [InlineData("frobnicate")]
    public void Run_UsageError_ExitsTwoWithMessage(string commandLine)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingFile_ExitsTwo()
    {
        var (code, _, stderr) = Run("validate", Path.Combine(Dir, "nope.yaml"));
        Assert.Equal(2, code);
        Assert.Contains("no such file or folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BrokenYaml_ExitsOneNamingTheLine()
    {
        var file = Write("Pulumi.yaml", "name: x\nresources:\n  a: [unclosed\n");
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code); // the program is invalid; 2 is kept for the command line and unreadable files
        Assert.Contains("not valid YAML", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Folder_FindsPulumiYaml()
    {
        var (code, _, stderr) = Run("validate", Repo.Root());
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void ValidateAndPlan_ScheduleThatNeverFires_WarnOnStderrAndInThePlan()
    {
        var file = Write("Pulumi.yaml", $$"""
            name: warn
            {{Config}}
            resources:
              leap:
                type: multinode:index:ScheduledTask
                properties: { image: app, schedule: "0 3 31 2 *", timeZone: Asia/Calcutta }
            """);
        const string Warnings = """
            warning: ScheduledTask "leap": schedule = "0 3 31 2 *" never fires: no month in "2" has day 31
            warning: ScheduledTask "leap": timeZone = "Asia/Calcutta" is a link in the IANA time zone database; planned as its canonical zone "Asia/Kolkata", the name every target accepts

            """;
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal((0, Warnings.ReplaceLineEndings("\n")), (code, stderr));
        (code, var json, stderr) = Run("plan", file, "--format", "json");
        Assert.Equal((0, Warnings.ReplaceLineEndings("\n")), (code, stderr));
        Assert.Contains("""
              "warnings": [
                "ScheduledTask \"leap\": schedule = \"0 3 31 2 *\" never fires: no month in \"2\" has day 31",
            """.ReplaceLineEndings("\n"), json, StringComparison.Ordinal);
        Assert.Contains("\"timeZone\": \"Asia/Kolkata\"", json, StringComparison.Ordinal);
        (_, var markdown, _) = Run("plan", file, "--format", "markdown");
        Assert.Contains("> ⚠️ ScheduledTask \"leap\": schedule = \"0 3 31 2 *\" never fires", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAndPlan_OneA100OnAws_WarnOfTheIdleGpusAndTheirCost()
    {
        var file = Write("Pulumi.yaml", """
            name: gpu
            config:
              multinode:target: aws
              multinode:aws:
                vpcId: vpc-0123456789abcdef0
                subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]
            resources:
              infer:
                type: multinode:index:Function
                properties: { image: app, resources: { cpu: 4, memory: 16Gi, gpu: { type: a100 } } }
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(0, code);
        const string Warning = "Function \"infer\": resources.gpu = 1 × a100 leaves 7 of the 8 GPUs of p4d.24xlarge";
        Assert.StartsWith($"warning: {Warning} idle on AWS", stderr, StringComparison.Ordinal);
        (code, _, var planStderr) = Run("plan", file, "--format", "json");
        Assert.Equal((0, stderr), (code, planStderr));
        (_, var markdown, _) = Run("plan", file, "--format", "markdown");
        Assert.Contains($"> ⚠️ {Warning}", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MisspelledToken_SuggestsTheRightOne()
    {
        var file = Write("Pulumi.yaml", $$"""
            name: typo
            {{Config}}
            resources:
              f:
                type: multinode:index:Functon
                properties: { image: app }
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.StartsWith($"{file}:6:11: resource \"f\": type = \"multinode:index:Functon\" is not a Multinode resource; did you mean multinode:index:Function?", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DocumentedInvalidExample_PrintsEveryMistake()
    {
        var (code, _, stderr) = Run("validate", Repo.File("docs", "examples", "invalid"));
        Assert.Equal(1, code);
        var at = Repo.File("docs", "examples", "invalid", "Pulumi.yaml") + ":";
        Assert.Equal([
            $"{at}14:17: Function \"square\": resources.memory = \"16Gb\" has an unknown unit \"Gb\" (use Mi, Gi, MiB, GiB, M or G)",
            $"{at}11:19: Function \"square\": maxWorkers = 150 is above the limit of 100",
            $"{at}12:21: Function \"square\": spareWorkers = 200 is above the limit of 100",
            $"{at}19:24: Service \"api\": healthcheckPath is not a property of Service; did you mean healthCheckPath?",
            $"{at}24:17: ScheduledTask \"nightly\": schedule = \"0 25 * * *\" has 25 in its hour field, outside 0-23 (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"",
            $"{at}25:17: ScheduledTask \"nightly\": timeZone = \"Europe/Berlim\" is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"; did you mean \"Europe/Berlin\"?",
        ], stderr.Split('\n')[..6]);
    }

    [Fact]
    public void Validate_DocumentedWarningsExample_IsValidAndWarnsOfEach()
    {
        var (code, _, stderr) = Run("validate", Repo.File("docs", "examples", "warnings"));
        Assert.Equal(0, code);
        Assert.Equal([
            "warning: ScheduledTask \"leap-day\": schedule = \"0 3 30 2 *\" never fires: no month in \"2\" has day 30",
            "warning: ScheduledTask \"leap-day\": timeZone = \"US/Eastern\" is a link in the IANA time zone database; planned as its canonical zone \"America/New_York\", the name every target accepts",
            "warning: ScheduledTask \"weekly\": schedule = \"@weekly\" is planned as \"0 0 * * 0\" (the five-field form every target accepts)",
            "",
        ], stderr.Split('\n'));
    }

    [Fact]
    public void Validate_DocumentedQuotaExample_FailsOnTheGpuQuota()
    {
        var (code, _, stderr) = Run("validate", Repo.File("docs", "examples", "quota-exceeded"));
        Assert.Equal(1, code);
        Assert.StartsWith($"{Repo.File("docs", "examples", "quota-exceeded", "Pulumi.yaml")}:8:12: provider config: quotas.gpu = 16 is exceeded: the workloads need 28 GPUs at maximum scale (largest: Function \"embed\" 20, Job \"train\" 8)\n", stderr, StringComparison.Ordinal);
    }
}
