using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Multinode.Infra.Values;
using Pulumirpc;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider.Tests;

/// <summary>Every call to the engine has a deadline: a monitor that never answers ends the Construct with
/// DEADLINE_EXCEEDED naming the call, not a hang (the engine sets no deadline on Construct, PROTOCOL.md).</summary>
public sealed class EngineCallsTests : IAsyncLifetime
{
    private static readonly EngineCalls Short = new(TimeSpan.FromSeconds(1));
    private readonly FakeEngine _engine = new();
    private WebApplication? _host;
    private string _address = "";

    public async Task InitializeAsync() => (_host, _address) = await _engine.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private ConstructRequest Request() => new()
    {
        Type = "multinode:index:Daemon",
        Name = "d",
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = _address,
        Inputs = PropertyConverter.ToStruct(new PropertyMap(("image", "img"))),
    };

    /// <summary>Without vpcId for the invoke's case; with it otherwise, so that only the silent call can be slow.</summary>
    private static ConfiguredProvider Aws(bool lookUp) => ConfiguredProvider.Read(new PropertyMap(("target", "aws"),
        ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a"])), ("vpcId", lookUp ? null : (PropertyValue)"vpc-1")))), KindRegistry.Default).Value!;

    [Theory]
    [InlineData("RegisterResource", "registering Daemon \"d\" failed")]
    [InlineData("RegisterResourceOutputs", "registering the outputs of Daemon \"d\" failed")]
    [InlineData("Invoke", "looking up the VPC of subnet subnet-a (aws:ec2/getSubnet:getSubnet) failed")]
    public async Task ConstructAsync_MonitorNeverAnswers_DeadlineExceededNamingTheCall(string method, string call)
    {
        _engine.Silent.Add(method);
        using var constructor = new ComponentConstructor(new EngineLog(null), Short);
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<RpcException>(() => constructor.ConstructAsync(Request(), Aws(method == "Invoke"), CancellationToken.None))
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Equal($"{call}: the engine did not answer within 1 s ({EngineCalls.Variable} sets this deadline)", e.Status.Detail);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData("5", 5)]
    [InlineData("0.5", 0.5)]
    [InlineData("0", 60)]
    [InlineData("-3", 60)]
    [InlineData("soon", 60)]
    public void FromEnvironment_PositiveSeconds_SetTheDeadline(string? text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), EngineCalls.FromEnvironment(_ => text).Timeout);
}
