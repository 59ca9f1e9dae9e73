using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>The fuzzer's cases outside Construct's inputs: requests of 31–70 MB, bytes that are no request, and a monitor
/// that never answers.</summary>
internal sealed partial class Fuzzer
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private static readonly Method<byte[], byte[]> RawConstruct =
        new(MethodType.Unary, "pulumirpc.ResourceProvider", "Construct", Bytes, Bytes);

    /// <summary>.NET resource keys (<c>net_http_headers_exceeded_length</c>, <c>Arg_NullReference</c>) in place of messages.</summary>
    [GeneratedRegex(@"\b(net_[a-z_]+|[A-Z][a-z]+_[A-Z][A-Za-z]+)\b")]
    private static partial Regex ResourceKey();

    private Task<byte[]> Raw(byte[] request, TimeSpan deadline) =>
        raw.AsyncUnaryCall(RawConstruct, null, new CallOptions(deadline: DateTime.UtcNow + deadline), request).ResponseAsync;

    /// <summary>Up to 64 MB is read and answered on its content; above, RESOURCE_EXHAUSTED with the limit.</summary>
    private async Task LargeRequestsAsync()
    {
        foreach (var megabytes in new[] { 31, 70 })
        {
            var request = new ConstructRequest { Type = "multinode:index:Daemon", Name = "big", MonitorEndpoint = monitor, Inputs = new Struct() };
            request.Inputs.Fields["image"] = Value.ForString("nginx");
            request.Inputs.Fields["padding"] = Value.ForString(new string('p', megabytes * 1024 * 1024));
            try
            {
                await Raw(request.ToByteArray(), TimeSpan.FromSeconds(30));
                Problem($"{megabytes} MB request accepted", "an unknown property was not refused");
            }
            catch (RpcException e)
            {
                CheckMessage("Construct", e.Status.Detail);
                var expected = megabytes > 64 ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument;
                if (e.StatusCode == expected) Count($"Construct {megabytes} MB {e.StatusCode}");
                else Problem($"Construct {megabytes} MB {e.StatusCode}", e.Status.Detail);
            }
        }
    }

    /// <summary>Random bytes, or a valid request cut short: INVALID_ARGUMENT "the request is not a valid … message"
    /// unless they happen to parse.</summary>
    private async Task CorruptAsync()
    {
        var valid = new ConstructRequest { Type = "multinode:index:Daemon", Name = "c", MonitorEndpoint = monitor,
            Inputs = Struct.Parser.ParseJson("""{"image":"nginx"}""") }.ToByteArray();
        var bytes = _random.NextDouble() < 0.5 ? valid[..(valid.Length / 2)] : new byte[_random.Next(1, 64)].Also(_random.NextBytes);
        try
        {
            await Raw(bytes, TimeSpan.FromSeconds(1));
            Count("Corrupt OK (the bytes parsed)");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument &&
                                     e.Status.Detail.StartsWith("the request is not a valid pulumirpc.ConstructRequest message", StringComparison.Ordinal))
        {
            CheckMessage("Corrupt", e.Status.Detail);
            Count("Corrupt INVALID_ARGUMENT (not a valid message)");
        }
        catch (RpcException e)
        {
            Status("Corrupt", e, Convert.ToHexString(bytes));
        }
    }

    /// <summary>A monitor that never answers one method: the plugin's DEADLINE_EXCEEDED naming the call, within its
    /// deadline (or OK when that method is not called: no VPC lookup when vpcId is configured).</summary>
    private async Task SilentMonitorAsync(int i)
    {
        var method = Pick(["RegisterResource", "RegisterResourceOutputs", "Invoke"]);
        engine.Silent.Add(method);
        try
        {
            await client.ConstructAsync(new ConstructRequest
            {
                Project = "proj", Stack = "dev", Type = "multinode:index:Daemon", Name = $"silent{i}",
                Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", MonitorEndpoint = monitor,
                Inputs = Struct.Parser.ParseJson("""{"image":"nginx"}"""),
            }, new CallOptions(deadline: DateTime.UtcNow + Deadline + EngineDeadline));
            Count($"Silent {method}: OK (not called)");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded &&
                                     e.Status.Detail.Contains(" failed: the engine did not answer within " +
                                         EngineDeadline.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s",
                                         StringComparison.Ordinal))
        {
            CheckMessage("Silent", e.Status.Detail);
            Count($"Silent {method}: DEADLINE_EXCEEDED naming the call");
        }
        catch (RpcException e)
        {
            Status($"Silent {method}", e, method);
        }
        finally
        {
            engine.Silent.Remove(method);
        }
    }
}
