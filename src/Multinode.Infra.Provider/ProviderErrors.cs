using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Multinode.Infra.Validation;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>Invalid input: every failure at once, each with its property path.</summary>
public sealed class ValidationFailedException(IReadOnlyList<ValidationFailure> failures)
    : Exception(string.Join("\n", failures))
{
    public IReadOnlyList<ValidationFailure> Failures { get; } = failures;
}

/// <summary>
/// The one exception-to-status mapping for every RPC. Invalid input becomes INVALID_ARGUMENT with a
/// <c>google.rpc.Status</c> holding <c>pulumirpc.InputPropertiesError</c> in <c>grpc-status-details-bin</c>, which
/// the engine shows per property; nothing reaches the user as a stack trace.
/// </summary>
public sealed class ProviderErrors(EngineLog log) : Interceptor
{
    public const string StatusDetailsKey = "grpc-status-details-bin";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw ToRpc(e, log);
        }
    }

    public static RpcException ToRpc(Exception e, EngineLog? log = null)
    {
        switch (e)
        {
            case ValidationFailedException v:
                return InvalidInput(v.Failures);
            case UnsupportedValueException u:
                return new RpcException(new Status(StatusCode.InvalidArgument, u.Message));
            case OperationCanceledException:
                return new RpcException(new Status(StatusCode.Cancelled, "the operation was cancelled"));
            default:
                log?.Error($"internal error: {e}");
                return new RpcException(new Status(StatusCode.Internal, $"multinode provider internal error: {e.Message}"));
        }
    }

    /// <summary>INVALID_ARGUMENT whose message lists every failure, one per line, with the per-property details.</summary>
    public static RpcException InvalidInput(IReadOnlyList<ValidationFailure> failures)
    {
        var message = string.Join("\n", failures.Select(f => f.ToString()));
        var details = new InputPropertiesError();
        foreach (var failure in failures)
            details.Errors.Add(new InputPropertiesError.Types.PropertyError { PropertyPath = failure.Path, Reason = failure.Message });
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = message,
            Details = { Any.Pack(details) },
        };
        var trailers = new Metadata { { StatusDetailsKey, status.ToByteArray() } };
        return new RpcException(new Status(StatusCode.InvalidArgument, message), trailers);
    }
}
