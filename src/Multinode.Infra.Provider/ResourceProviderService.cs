using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using System.Runtime.CompilerServices;
using Multinode.Infra.Configuration;
using Multinode.Infra.Schema;
using Multinode.Infra.Workloads;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>What Configure established, shared by every call of the plugin's lifetime.</summary>
public sealed class ProviderState
{
    private ConfiguredProvider? _config;

    /// <summary>The config Configure validated, typed; every Construct plans with it.</summary>
    public ConfiguredProvider? Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>Cancelled by the engine's Cancel: stops in-flight work, then the process.</summary>
    public CancellationTokenSource Cancellation { get; } = new();
}

/// <summary>
/// <c>pulumirpc.ResourceProvider</c>. RPCs not declared in Protos/pulumi/provider.proto answer UNIMPLEMENTED;
/// errors become statuses in <see cref="ProviderErrors"/>.
/// </summary>
public sealed class ResourceProviderService(ProviderState state, ComponentConstructor constructor,
    InstanceTypeSelector instanceTypes, IHostApplicationLifetime lifetime, EngineLog log, KindRegistry kinds)
    : ResourceProvider.ResourceProviderBase
{
    /// <summary>The schema of each registry the plugin serves (one in the product), generated once.</summary>
    private static readonly ConditionalWeakTable<KindRegistry, string> Schemas = new();

    public override Task<ProviderHandshakeResponse> Handshake(ProviderHandshakeRequest request, ServerCallContext context) =>
        Task.FromResult(new ProviderHandshakeResponse { AcceptSecrets = true, AcceptResources = true, AcceptOutputs = true });

    public override Task<PluginInfo> GetPluginInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new PluginInfo { Version = PackageSchema.Version });

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSchemaResponse { Schema = Schemas.GetValue(kinds, PackageSchema.Generate) });

    public override Task<CheckResponse> CheckConfig(CheckRequest request, ServerCallContext context)
    {
        var config = ProviderConfiguration.FromArgs(PropertyConverter.ToMap(request.News));
        var response = new CheckResponse { Inputs = request.News ?? new Struct() };
        foreach (var failure in ProviderConfigReader.Read(config, kinds).Failures)
            response.Failures.Add(new CheckFailure { Property = failure.Path, Reason = failure.Message });
        return Task.FromResult(response);
    }

    public override Task<DiffResponse> DiffConfig(DiffRequest request, ServerCallContext context)
    {
        var olds = ProviderConfiguration.FromArgs(PropertyConverter.ToMap(request.OldInputs ?? request.Olds));
        var news = ProviderConfiguration.FromArgs(PropertyConverter.ToMap(request.News));
        var changed = olds.Keys.Union(news.Keys)
            .Where(key => !Equals(olds.Get(key), news.Get(key)) || (news.Get(key)?.ContainsUnknown ?? false))
            .Order(StringComparer.Ordinal)
            .ToList();
        var response = new DiffResponse
        {
            Changes = changed.Count > 0 ? DiffResponse.Types.DiffChanges.DiffSome : DiffResponse.Types.DiffChanges.DiffNone,
            HasDetailedDiff = true,
        };
        response.Diffs.AddRange(changed);
        foreach (var key in changed)
        {
            response.DetailedDiff[key] = new PropertyDiff
            {
                Kind = !olds.ContainsKey(key) ? PropertyDiff.Types.Kind.Add
                    : !news.ContainsKey(key) ? PropertyDiff.Types.Kind.Delete
                    : PropertyDiff.Types.Kind.Update,
                InputDiff = true,
            };
        }
        return Task.FromResult(response);
    }

    public override Task<ConfigureResponse> Configure(ConfigureRequest request, ServerCallContext context)
    {
        // Older engines send only the deprecated variables map.
        var config = request.Args is not null
            ? ProviderConfiguration.FromArgs(PropertyConverter.ToMap(request.Args))
            : ProviderConfiguration.FromVariables(request.Variables);
        var result = ConfiguredProvider.Read(config, kinds);
        if (!result.IsValid) throw new ValidationFailedException(result.Failures);
        state.Config = result.Value;
        log.Debug($"configured: target = {result.Value!.Config.Target.Name}");
        return Task.FromResult(new ConfigureResponse
        {
            AcceptSecrets = true,
            SupportsPreview = true,
            AcceptResources = true,
            AcceptOutputs = true,
        });
    }

    public override async Task<InvokeResponse> Invoke(InvokeRequest request, ServerCallContext context)
    {
        if (request.Tok != Functions.SelectInstanceType.Token)
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"unknown function {request.Tok}; this provider has {string.Join(", ", Functions.All.Select(f => f.Token))}"));
        using var cancellation = Linked(context);
        try
        {
            var result = await instanceTypes.SelectAsync(PropertyConverter.ToMap(request.Args), cancellation.Token).ConfigureAwait(false);
            return new InvokeResponse { Return = PropertyConverter.ToStruct(result) };
        }
        catch (ValidationFailedException e)
        {
            // Invoke reports bad arguments as check failures, which the engine shows per argument.
            var response = new InvokeResponse();
            foreach (var f in e.Failures) response.Failures.Add(new CheckFailure { Property = f.Path, Reason = f.Message });
            return response;
        }
    }

    public override async Task<ConstructResponse> Construct(ConstructRequest request, ServerCallContext context)
    {
        // Configure normally comes first; a Construct without it plans with the config it carries.
        var config = state.Config ?? ConfiguredProvider.Read(ProviderConfiguration.FromConstructConfig(request.Config, request.ConfigSecretKeys), kinds) switch
        {
            { IsValid: true, Value: var configured } => configured!,
            var invalid => throw new ValidationFailedException(invalid.Failures),
        };
        using var cancellation = Linked(context);
        return await constructor.ConstructAsync(request, config, cancellation.Token).ConfigureAwait(false);
    }

    public override Task<Empty> Cancel(Empty request, ServerCallContext context)
    {
        log.Debug("cancel requested: stopping");
        state.Cancellation.Cancel();
        // Stop after this answer has gone out.
        _ = Task.Delay(100, CancellationToken.None).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        return Task.FromResult(new Empty());
    }

    /// <summary>The call's own cancellation joined with the plugin's (Cancel, SIGTERM); disposed when the call ends.</summary>
    private CancellationTokenSource Linked(ServerCallContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, state.Cancellation.Token);
}
