using System.Diagnostics;
using Multinode.Infra.Values;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Input handling is linear in the input's size: a list or map of tens of thousands of items is refused (EC2's
/// 16 KB user data limit, EC2 API reference RunInstances "UserData") in time proportional to its size. The time is
/// compared with an eighth of the input refused in the same run (linear: about 8×; the quadratic joining this guards
/// against took minutes, hundreds of times the baseline); the absolute figures are bench/linear-inputs.sh's.</summary>
public sealed class LinearInputsTests
{
    private static readonly ConfiguredProvider Aws = ConfiguredProvider.Read(new PropertyMap(("target", "aws"),
        ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a"])), ("vpcId", "vpc-1")))), KindRegistry.Default).Value!;

    private static ConstructRequest Request(PropertyMap inputs) => new()
    {
        Type = "multinode:index:Daemon",
        Name = "d",
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = "127.0.0.1:1",
        DryRun = true,
        Inputs = PropertyConverter.ToStruct(inputs),
    };

    public static TheoryData<string, int> Cases => new() { { "args", 32_000 }, { "args", 64_000 }, { "env", 32_000 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ConstructAsync_TensOfThousandsOfItems_RefusedForUserDataInLinearTime(string input, int count)
    {
        using var constructor = new ComponentConstructor(new EngineLog(null));
        await constructor.ConstructAsync(Request(new PropertyMap(("image", "img"))), Aws, CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default); // warm up (the monitor is absent; planning is what is timed)
        await Refused(constructor, input, count / 8); // warm up this input's path too
        var baseline = await Refused(constructor, input, count / 8);
        var full = await Refused(constructor, input, count);
        Assert.True(full < 24 * baseline + TimeSpan.FromMilliseconds(200),
            $"{count} items: {full.TotalMilliseconds:0} ms; {count / 8} items: {baseline.TotalMilliseconds:0} ms");
    }

    private static async Task<TimeSpan> Refused(ComponentConstructor constructor, string input, int count)
    {
        PropertyValue value = input == "args"
            ? PropertyValue.Strings(Enumerable.Range(0, count).Select(i => $"a{i}"))
            : PropertyValue.From(new PropertyMap(Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"K{i}", (PropertyValue)"v"))));
        var request = Request(new PropertyMap(("image", "img"), (input, value)));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ValidationFailedException>(() => constructor.ConstructAsync(request, Aws, CancellationToken.None));
        clock.Stop();
        Assert.Contains(e.Failures, f => f.Message.Contains("user data limit of 16384", StringComparison.Ordinal));
        return clock.Elapsed;
    }
}
