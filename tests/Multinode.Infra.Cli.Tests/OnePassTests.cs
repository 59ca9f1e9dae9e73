namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// Every mistake in one run, each with its place (issue 21, items 3 and 5). A resource in Pulumi YAML has the keys
/// type, properties, options, defaultProvider and get
/// (https://www.pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference/#resources) and <c>resources:</c> is a
/// map from names to resources; YAML indents with spaces only and counts a tab as one character
/// (https://yaml.org/spec/1.2.2/#61-indentation-spaces).
/// </summary>
public sealed class OnePassTests : CliFixture
{
    private string Write(string text)
    {
        var path = Path.Combine(Dir, "Pulumi.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Head = """
        name: one-pass
        runtime: yaml
        config:
          multinode:target: kubernetes
        resources:

        """;

    [Theory]
    [InlineData("typ", "did you mean type?")]
    [InlineData("propertes", "did you mean properties?")]
    public void Validate_MisspelledResourceKey_IsAnErrorAtThatKey(string key, string hint)
    {
        var file = Write(Head + $$"""
              api:
                type: multinode:index:Service
                {{key}}: { image: img }
            """);
        var (code, stdout, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains($"{file}:8:5: resource \"api\": {key} is not a key of a resource; {hint}", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TypeKeyMisspelled_DoesNotReadAsAnEmptyProgram()
    {
        var file = Write(Head + """
              api:
                typ: multinode:index:Service
                properties: { image: img }
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:7:5: resource \"api\": typ is not a key of a resource; did you mean type?", stderr, StringComparison.Ordinal);
        Assert.Contains($"{file}:6:3: resource \"api\": type is required", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ResourcesAsAList_IsAnError()
    {
        var file = Write(Head + """
              - name: api
                type: multinode:index:Service
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains($"{file}:6:3: program: resources must be a mapping of resource names to declarations, not a list", stderr,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("go")]
    [InlineData("{ name: python, options: { toolchain: pip } }")]
    public void Validate_NonYamlRuntime_NamesTheRuntimeAndWhatTheCliReads(string runtime)
    {
        var file = Write(Head.Replace("runtime: yaml", $"runtime: {runtime}", StringComparison.Ordinal));
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(2, code);
        var name = runtime.StartsWith('{') ? "python" : runtime; // nodejs programs run: NodeProgramTests
        Assert.StartsWith($"error: {file}:2:10: runtime is \"{name}\", but multinode reads Pulumi YAML programs (runtime: yaml)", stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TabIndentingLineSeven_IsReportedThere()
    {
        var file = Write(Head + "  api:\n\ttype: multinode:index:Daemon\n");
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Equal($"error: {file}:7:1: not valid YAML: a tab indents this line; YAML indents with spaces only\n", stderr);
    }

    [Fact]
    public void Validate_MemoryInGB_IsReadAsTheKubernetesQuantityWithAWarningNamingGi()
    {
        // Kubernetes quantities: G is 10^9, Gi is 2^30 (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
        var file = Write(Head + """
              api:
                type: multinode:index:Daemon
                properties: { image: img, resources: { memory: 2GB } }
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(0, code);
        Assert.Contains("Daemon \"api\": resources.memory = \"2GB\" is read as the Kubernetes quantity \"2G\" (2,000,000,000 bytes, " +
            "1.86 GiB); if gibibytes are meant, write \"2Gi\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KubernetesRequestNoNodeTypeHolds_IsAnError()
    {
        var file = Write(Head + """
              big:
                type: multinode:index:Daemon
                properties: { image: img, resources: { cpu: 192, memory: 4Ti } }
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        Assert.Contains("Daemon \"big\": resources.cpu = 192 fits no node type of the catalog; the largest is", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OneMistakeOfEachClass_ReportsAllInOneRun()
    {
        var file = Write("""
            name: one-pass
            runtime: yaml
            config:
              multinode:target: aws
              multinode:aws:
                value: { vpcId: vpc-1, subnetIds: [subnet-a, subnet-b] }
              multinode:quotas:
                value: { cpu: 4 }
            resources:
              api:
                type: multinode:index:Service
                properties: { image: img, resources: { cpu: 2 }, minReplicas: 1, maxReplicas: 2 }
              api-lb:
                type: multinode:index:Service
                properties: { image: img, resources: { cpu: 2 }, minReplicas: 1, maxReplicas: 2 }
              pool:
                type: multinode:index:Function
                properties: { image: img, maxWorkers: 150 }
              typo:
                type: multinode:index:Functon
                properties: { image: img }
              ref:
                type: multinode:index:Daemon
                properties: { image: "${nope}" }
              key:
                typ: multinode:index:Daemon
            """);
        var (code, _, stderr) = Run("validate", file);
        Assert.Equal(1, code);
        string[] expected =
        [
            $"{file}:26:5: resource \"key\": typ is not a key of a resource; did you mean type?",
            $"{file}:24:26: Daemon \"ref\": image refers to ${{nope}}",
            $"{file}:20:11: resource \"typo\": type = \"multinode:index:Functon\" is not a Multinode resource; did you mean multinode:index:Function?",
            $"{file}:18:43: Function \"pool\": maxWorkers = 150 is above the limit of 100",
            "Service \"api-lb\": name = \"api-lb\" plans the child aws:ec2/securityGroup:SecurityGroup \"api-lb-sg\", which Service \"api\" plans too",
            "provider config: quotas.cpu = 4 is exceeded",
        ];
        foreach (var line in expected) Assert.Contains(line, stderr, StringComparison.Ordinal);
    }
}
