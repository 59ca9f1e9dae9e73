using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Schema;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

/// <summary>A kind that exists only in this test: <c>Batch</c>, a fixed number of shards worked on in parallel.</summary>
public sealed record BatchWorkload(string Name, Container Container, ResourceRequest Resources, int Shards, int Parallelism)
    : Workload(Name, Container, Resources), IRunsToCompletion
{
    public override WorkloadKind Kind => BatchKind.Instance;
    public override int MaxWorkers => Parallelism;
}

public sealed class BatchKind : WorkloadKind<BatchWorkload>
{
    public static BatchKind Instance { get; } = new();

    public override string Name => "Batch";

    public override string Description => "Shards worked on in parallel, then done.";

    private static readonly IntegerInput<BatchWorkload> Shards =
        Integer(new("shards", InputType.Integer, "Shards to work on.") { Default = 4, Min = 1, Max = 64 }, b => b.Shards);

    private static readonly IntegerInput<BatchWorkload> Parallelism = Integer(
        new("parallelism", InputType.Integer, "Shards worked on at once (at most shards).") { Default = 2, Min = 1, Max = 64 },
        b => b.Parallelism);

    protected override IReadOnlyList<KindInput<BatchWorkload>> Declare() => [Shards, Parallelism];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children];

    public override void CheckRules(InputReader reader)
    {
        if (Parallelism.Valid(reader) is { } p && Shards.Valid(reader) is { } s && p > s)
            reader.Fail(Parallelism.Spec.Name, $"parallelism = {p} is above the limit of shards = {s}");
    }

    protected override BatchWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, Shards.Read(reader), Parallelism.Read(reader));
}

/// <summary>Adding a kind is its definition and one registration: the schema, validation and settings follow, and
/// each target refuses it by name until it maps it (docs/architecture.md, "Adding a kind").</summary>
public sealed class ThrowAwayKindTests
{
    private static readonly KindRegistry Kinds = KindRegistry.Default.With(BatchKind.Instance);

    private static readonly PropertyMap Aws = new(("target", "aws"), ("aws", new PropertyMap(
        ("vpcId", "vpc-0123456789abcdef0"),
        ("subnetIds", PropertyValue.Strings(["subnet-0000000000000000a", "subnet-0000000000000000b"])))));

    private static readonly PropertyMap Kubernetes = new(("target", "kubernetes"));

    private static ProgramDeclaration Program(PropertyMap properties, PropertyMap? config = null) =>
        new([new ResourceDeclaration("nightly", "multinode:index:Batch", properties)], config ?? Aws);

    [Fact]
    public void Schema_WithThrowAwayKind_PublishesItsResourceAndInputs()
    {
        using var schema = JsonDocument.Parse(PackageSchema.Generate(Kinds));
        var batch = schema.RootElement.GetProperty("resources").GetProperty("multinode:index:Batch");
        Assert.Equal("Shards worked on in parallel, then done.", batch.GetProperty("description").GetString());
        var inputs = batch.GetProperty("inputProperties");
        Assert.Equal(
            ["image", "command", "args", "env", "resources", "timeoutSeconds", "tags", "instanceTypes", "shards", "parallelism"],
            inputs.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Shards to work on. Allowed: 1 to 64. Default: 4.", inputs.GetProperty("shards").GetProperty("description").GetString());
        Assert.Equal(4, inputs.GetProperty("shards").GetProperty("default").GetInt32());
        Assert.Equal(["image"], batch.GetProperty("requiredInputs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["children"], batch.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Batch", schema.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_Default_HasNoThrowAwayKind()
    {
        using var schema = JsonDocument.Parse(PackageSchema.Generate(KindRegistry.Default));
        Assert.False(schema.RootElement.GetProperty("resources").TryGetProperty("multinode:index:Batch", out _));
    }

    [Fact]
    public void Validate_ThrowAwayKind_FillsDefaultsAndDerivesSettings()
    {
        var result = Planner.Validate(Program(new PropertyMap(("image", "app"), ("shards", 8))), Kinds);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        var batch = Assert.IsType<BatchWorkload>(Assert.Single(result.Value!.Workloads));
        Assert.Equal((8, 2), (batch.Shards, batch.Parallelism));
        Assert.Same(BatchKind.Instance, batch.Kind);
        Assert.Equal("Batch \"nightly\"", batch.Label);
        var settings = batch.Settings();
        Assert.Equal(["image", "env", "resources", "timeoutSeconds", "tags", "shards", "parallelism"], settings.Keys);
        Assert.Equal(PropertyValue.From(8), settings["shards"]);
        Assert.Equal(PropertyValue.From(2), settings["parallelism"]);
    }

    [Fact]
    public void Validate_ThrowAwayKindOutOfLimits_GivesEveryMessage()
    {
        var result = Planner.Validate(Program(new PropertyMap(("image", "app"), ("shards", 0), ("parallelism", 65), ("colour", "blue"))), Kinds);
        Assert.Equal(
        [
            "Batch \"nightly\": colour is not a property of Batch (allowed: image, command, args, env, resources, timeoutSeconds, tags, instanceTypes, shards, parallelism)",
            "Batch \"nightly\": shards = 0 is below the minimum of 1",
            "Batch \"nightly\": parallelism = 65 is above the limit of 64",
        ], result.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Validate_ThrowAwayKindBreakingItsCrossRule_Fails()
    {
        var result = Planner.Validate(Program(new PropertyMap(("image", "app"), ("shards", 3), ("parallelism", 5))), Kinds);
        Assert.Equal(["Batch \"nightly\": parallelism = 5 is above the limit of shards = 3"], result.Failures.Select(f => f.ToString()));
    }

    [Fact]
    public void Validate_ThrowAwayKindNotRegistered_IsNotAMultinodeResource()
    {
        var result = Planner.Validate(Program(new PropertyMap(("image", "app"))), KindRegistry.Default);
        Assert.StartsWith("resource \"nightly\": type = \"multinode:index:Batch\" is not a Multinode resource",
            Assert.Single(result.Failures).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Plan_ThrowAwayKindOnEachTarget_FailsNamingKindAndTarget(string target)
    {
        var result = Planner.Plan(Program(new PropertyMap(("image", "app")), target == "aws" ? Aws : Kubernetes), Kinds);
        Assert.Equal([$"Batch \"nightly\": target {target} does not plan kind Batch"],
            result.Failures.Select(f => f.ToString()));
    }
}
