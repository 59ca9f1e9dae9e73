using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>docs/provider.md, "Limits": requests up to 64 MB are read; larger ones get RESOURCE_EXHAUSTED with the limit
/// at once (grpc.io status codes: RESOURCE_EXHAUSTED is the code for a message above the receiver's limit); bytes that
/// are not the request message get INVALID_ARGUMENT. Never UNKNOWN (Kestrel's HTTP 413 or an exception in gRPC's read).</summary>
public sealed class RequestLimitsTests() : HostedPlugin
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly Method<byte[], byte[]> Construct =
        new(MethodType.Unary, "pulumirpc.ResourceProvider", "Construct", Bytes, Bytes);

    private Task<byte[]> Send(byte[] request) => _channel!.CreateCallInvoker()
        .AsyncUnaryCall(Construct, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60)), request).ResponseAsync;

    private static byte[] ConstructWithPadding(int bytes)
    {
        var request = new ConstructRequest { Type = "multinode:index:Daemon", Name = "d", Inputs = new Struct() };
        request.Inputs.Fields["padding"] = Value.ForString(new string('p', bytes));
        return Google.Protobuf.MessageExtensions.ToByteArray(request);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(50)]
    [InlineData(63)]
    public async Task Construct_UpTo64MB_IsReadAndAnsweredOnItsContent(int megabytes)
    {
        await new ResourceProvider.ResourceProviderClient(_channel!).ConfigureAsync(
            new ConfigureRequest { Args = Struct.Parser.ParseJson("""{"target":"kubernetes"}""") });
        var e = await Assert.ThrowsAsync<RpcException>(() => Send(ConstructWithPadding(megabytes * 1024 * 1024)));
        // Read whole: the answer is about its inputs (no such property), not its size.
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("padding", e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(70)]
    public async Task Construct_Above64MB_ResourceExhaustedWithTheLimitAtOnce(int megabytes)
    {
        var request = ConstructWithPadding(megabytes * 1024 * 1024);
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<RpcException>(() => Send(request));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Equal($"the request is {request.Length} bytes, above the multinode plugin's limit of 67108864 bytes (64 MB)", e.Status.Detail);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"{DateTime.UtcNow - started}");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x52, 0x05, 0x0A, 0x03, 0x6B })]
    [InlineData(new byte[] { 0x00 })]
    public async Task Construct_CorruptBytes_InvalidArgumentNotAValidMessage(byte[] corrupt)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Send(corrupt));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("the request is not a valid pulumirpc.ConstructRequest message: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bnet_[a-z_]+", e.Status.Detail);
    }
}
