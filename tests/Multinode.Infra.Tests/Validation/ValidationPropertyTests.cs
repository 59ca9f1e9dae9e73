using CsCheck;
using Multinode.Infra.Configuration;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Validation;

/// <summary>Arbitrary input never throws: it is either a valid workload or a list of failures.</summary>
public sealed class ValidationPropertyTests
{
    private static readonly string[] Names =
    [
        "image", "command", "args", "env", "resources", "cpu", "memory", "gpu", "type", "count", "timeoutSeconds", "tags",
        "instanceTypes", "maxWorkers", "spareWorkers", "cooldownPeriod", "maxConcurrency", "minReplicas", "maxReplicas",
        "targetCpuUtilization", "port", "healthCheckPath", "schedule", "timeZone", "target", "aws", "kubernetes",
        "subnetIds", "queue", "kind", "quotas", "maxHourlyCost", "namespace", "x",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.OneOf("", "app", "16Gi", "16 GiB", "0.5Gi", "1e9", "t4", "A100-80GB", "h200", "0 3 * * *", "*/5 * * * *",
            "61 * * * *", "Europe/Berlin", "UTC", "aws", "kubernetes", "redis", "aws-sqs", "/", "/healthz", "-1", "NaN"),
        Gen.String);

    private static readonly Gen<double> Number = Gen.OneOf(
        Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, 0, 0.5, 1, 2, 8, 9, 100, 101, 1e300, -0.0),
        Gen.Double, Gen.Int[-5, 200].Select(i => (double)i));

    private static Gen<PropertyValue> Value(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Text.Select(PropertyValue.From)),
            (3, Number.Select(PropertyValue.From)),
            (1, Gen.Bool.Select(PropertyValue.From)),
            (1, Gen.Const(PropertyValue.Null)),
            (1, Gen.Const(PropertyValue.Unknown)));
        if (depth == 0) return leaf;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (4, leaf),
            (2, Map(depth - 1).Select(PropertyValue.From)),
            (1, inner.Array[0, 4].Select(items => PropertyValue.From(items))),
            (1, inner.Select(PropertyValue.Secret)));
    }

    private static Gen<PropertyMap> Map(int depth) =>
        Gen.Select(Gen.OneOf(Gen.OneOf(Names), Gen.String[0, 6]), Value(depth), (k, v) => KeyValuePair.Create(k, v))
            .Array[0, 8].Select(entries => new PropertyMap(entries));

    [Fact]
    public void Read_ArbitraryInput_IsWorkloadOrFailures() =>
        Gen.Select(Gen.OneOf(WorkloadKinds.All.ToArray()), Gen.OneOf(Gen.OneOf("square", "", "Bad_Name"), Gen.String), Map(3))
            .Sample((kind, name, map) =>
            {
                var result = WorkloadReader.Read(kind, name, map);
                return result.IsValid ? result.Value!.Kind == kind && result.Value.Name == name : result.Failures.Count > 0;
            }, iter: 3000);

    [Fact]
    public void Read_ArbitraryConfig_IsConfigOrFailures() =>
        Map(3).Sample(map =>
        {
            var result = ProviderConfigReader.Read(map, KindRegistry.Default);
            return result.IsValid || result.Failures.Count > 0;
        }, iter: 3000);

    [Fact]
    public void Read_Failures_AlwaysNameResourceAndPath() =>
        Gen.Select(Gen.OneOf(WorkloadKinds.All.ToArray()), Map(2)).Sample((kind, map) =>
            WorkloadReader.Read(kind, "square", map).Failures.All(f =>
                f.Resource == $"{kind} \"square\"" && f.Message.StartsWith(f.Path, StringComparison.Ordinal)), iter: 2000);

    [Fact]
    public void MemoryTryParse_ArbitraryText_NeverThrows() =>
        Gen.OneOf(Text, Gen.String).Sample(text =>
        {
            var memory = Memory.TryParse(text, out var error);
            return (memory is null) != (error is null);
        }, iter: 5000);

    [Fact]
    public void MemoryToString_RoundTrips() =>
        Gen.Long[1, 4L * 1024 * 1024].Sample(mebibytes =>
        {
            var memory = new Memory(mebibytes * 1024 * 1024);
            return Memory.Parse(memory.ToString()) == memory;
        });

    [Fact]
    public void ValidWorkload_SettingsReadBack_GiveTheSameWorkload() =>
        Gen.Select(Gen.Int[1, 100], Gen.Int[0, 100], Gen.Int[0, 86400], Gen.Double[0.1, 64]).Sample((max, spare, cooldown, cpu) =>
        {
            var input = new PropertyMap(("image", "app"), ("maxWorkers", max), ("spareWorkers", Math.Min(spare, max)),
                ("cooldownPeriod", cooldown), ("resources", new PropertyMap(("cpu", cpu))));
            var first = WorkloadReader.Read(FunctionKind.Instance, "f", input).Value!;
            var again = WorkloadReader.Read(FunctionKind.Instance, "f", first.Settings()).Value!;
            return first.Settings().Equals(again.Settings());
        });
}
