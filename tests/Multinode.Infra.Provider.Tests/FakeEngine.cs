using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>A ResourceMonitor and an Engine that record what the plugin sends.</summary>
public sealed class FakeEngine : ResourceMonitor.ResourceMonitorBase
{
    /// <summary>Serves this fake as the engine's ResourceMonitor (and, with <paramref name="withLog"/>, its Engine
    /// log service) on a loopback port the OS picks.</summary>
    public async Task<(WebApplication Host, string Address)> StartAsync(bool withLog = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        if (withLog) builder.Services.AddSingleton<EngineService>();
        var host = builder.Build();
        host.MapGrpcService<FakeEngine>();
        if (withLog) host.MapGrpcService<EngineService>();
        await host.StartAsync();
        return (host, $"127.0.0.1:{PluginHost.Port(host)}");
    }

    public ConcurrentQueue<RegisterResourceRequest> Registered { get; } = new();
    public ConcurrentDictionary<string, Struct> Outputs { get; } = new();
    public ConcurrentQueue<LogRequest> Logs { get; } = new();

    /// <summary>The client address of every RegisterResource and Invoke: one per connection the plugin opened.</summary>
    public ConcurrentQueue<string> Peers { get; } = new();

    /// <summary>In preview the engine answers custom resources with an empty id.</summary>
    public bool DryRun { get; set; }

    /// <summary>After an update a real provider answers with the outputs children refer to (ids, ARNs, names); when set,
    /// the fake adds those it does not echo from the inputs.</summary>
    public bool AnswerOutputs { get; set; }

    private static readonly string[] CommonOutputs = ["arn", "name", "url", "latestVersion", "dnsName"];

    /// <summary>When set, registrations wait for it (or for the caller to give up): an engine that is slow to answer.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completes when a registration starts waiting for <see cref="Hold"/>: a Construct is in flight.</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Methods this fake never answers (it waits until the caller gives up): an engine that hangs.</summary>
    public HashSet<string> Silent { get; } = new(StringComparer.Ordinal);

    private Task Hang(string method, ServerCallContext context) =>
        Silent.Contains(method) ? Task.Delay(Timeout.Infinite, context.CancellationToken) : Task.CompletedTask;

    public override async Task<RegisterResourceResponse> RegisterResource(RegisterResourceRequest request, ServerCallContext context)
    {
        await Hang(nameof(RegisterResource), context);
        if (Hold is { } hold)
        {
            Holding.TrySetResult();
            await hold.Task.WaitAsync(context.CancellationToken);
        }
        Peers.Enqueue(context.Peer);
        Registered.Enqueue(request);
        var chain = request.Parent.Length == 0 || request.Parent.Contains("pulumi:pulumi:Stack", StringComparison.Ordinal)
            ? request.Type
            : $"{request.Parent.Split("::")[2]}${request.Type}";
        return new RegisterResourceResponse
        {
            Urn = $"urn:pulumi:dev::proj::{chain}::{request.Name}",
            Id = request.Custom && !DryRun ? $"id-{request.Name}" : "",
            Object = request.Custom ? Answer(request) : new Struct(),
        };
    }

    private Struct Answer(RegisterResourceRequest request)
    {
        if (!AnswerOutputs || DryRun) return request.Object;
        var outputs = request.Object.Clone();
        foreach (var name in CommonOutputs)
            if (!outputs.Fields.ContainsKey(name)) outputs.Fields[name] = Value.ForString($"{name}-of-{request.Name}");
        return outputs;
    }

    public ConcurrentQueue<ResourceInvokeRequest> Invokes { get; } = new();

    /// <summary>Answers aws:ec2/getSubnet:getSubnet as the aws provider would: the subnet "subnet-a" lies in
    /// "vpc-of-subnet-a"; "subnet-missing" does not exist; "subnet-novpc" is answered without a vpcId.</summary>
    public override async Task<ResourceInvokeResponse> Invoke(ResourceInvokeRequest request, ServerCallContext context)
    {
        await Hang(nameof(Invoke), context);
        Peers.Enqueue(context.Peer);
        Invokes.Enqueue(request);
        var id = request.Args.Fields["id"].StringValue;
        var response = new ResourceInvokeResponse();
        if (request.Tok != "aws:ec2/getSubnet:getSubnet" || id == "subnet-missing")
            response.Failures.Add(new CheckFailure { Property = "id", Reason = $"no subnet {id}" });
        else if (id == "subnet-novpc")
            response.Return = Struct.Parser.ParseJson($$"""{"id":"{{id}}","availabilityZone":"us-east-1a"}""");
        else
            response.Return = Struct.Parser.ParseJson($$"""{"id":"{{id}}","vpcId":"vpc-of-{{id}}","availabilityZone":"us-east-1a"}""");
        return response;
    }

    public override async Task<Empty> RegisterResourceOutputs(RegisterResourceOutputsRequest request, ServerCallContext context)
    {
        await Hang(nameof(RegisterResourceOutputs), context);
        Outputs[request.Urn] = request.Outputs;
        return new Empty();
    }

    public sealed class EngineService(FakeEngine engine) : Engine.EngineBase
    {
        public override Task<Empty> Log(LogRequest request, ServerCallContext context)
        {
            engine.Logs.Enqueue(request);
            return Task.FromResult(new Empty());
        }
    }
}
