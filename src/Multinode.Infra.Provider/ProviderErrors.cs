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

    /// <summary>At most this many failures are reported in one answer; a last line counts the rest.</summary>
    public const int MaxFailuresReported = 20;

    /// <summary>Longest line (resource, path, message) and property path an answer carries; longer ones are cut.</summary>
    public const int MaxLineLength = 500;
    public const int MaxPathLength = 200;

    /// <summary>Largest error an answer carries, counted as sent: the percent-encoded message plus the base64 details.
    /// HTTP/2 peers refuse header blocks above 16–64 KB, and a refused status leaves the call without an answer.</summary>
    public const int MaxErrorBytes = 24 * 1024;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // A call to the engine cancelled by our own shutdown says "Call canceled by the client."; say what happened.
            throw ToRpc(new OperationCanceledException(e.Message, e));
        }
        catch (RpcException e)
        {
            throw Bounded(e, log);
        }
        catch (Exception e)
        {
            throw Bounded(ToRpc(e, log), log);
        }
    }

    public static RpcException ToRpc(Exception e, EngineLog? log = null)
    {
        switch (e)
        {
            case ValidationFailedException v:
                return InvalidInput(v.Failures);
            case UnsupportedValueException u:
                return InvalidInput([new ValidationFailure(Multinode.Infra.Configuration.ProviderConfigReader.Resource, u.Path, u.Message)]);
            case OperationCanceledException:
                return new RpcException(new Status(StatusCode.Cancelled,
                    "the call was cancelled: the engine cancelled it, or the multinode plugin is shutting down (SIGTERM, Cancel or the engine went away)"));
            default:
                // The user sees one line; the stack goes to the engine's debug log (pulumi -v=9 / --logtostderr).
                log?.Error($"internal error: {e.GetType().Name}: {e.Message}");
                log?.Debug($"internal error: {e}");
                return new RpcException(new Status(StatusCode.Internal, $"multinode provider internal error: {e.Message}"));
        }
    }

    /// <summary>INVALID_ARGUMENT whose message lists the failures, one per line, with the per-property details; at most
    /// <see cref="MaxFailuresReported"/> of them and <see cref="MaxErrorBytes"/> in all, the rest counted.</summary>
    public static RpcException InvalidInput(IReadOnlyList<ValidationFailure> failures)
    {
        var shown = Math.Min(failures.Count, MaxFailuresReported);
        while (true)
        {
            var e = InvalidInput(failures, shown);
            if (shown <= 1 || EncodedSize(e) <= MaxErrorBytes) return e;
            shown--;
        }
    }

    private static RpcException InvalidInput(IReadOnlyList<ValidationFailure> failures, int shown)
    {
        var lines = new List<string>();
        var details = new InputPropertiesError();
        foreach (var failure in failures.Take(shown))
        {
            lines.Add(Cut(failure.ToString(), MaxLineLength));
            details.Errors.Add(new InputPropertiesError.Types.PropertyError
            {
                PropertyPath = Cut(failure.Path.Length > 0 ? failure.Path : "name", MaxPathLength),
                Reason = Cut(failure.Message, MaxLineLength),
            });
        }
        if (failures.Count > shown)
        {
            var rest = failures.Count - shown;
            var more = $"… and {rest} more problem{(rest == 1 ? "" : "s")} not shown (at most {shown} are reported at once)";
            lines.Add(more);
            details.Errors.Add(new InputPropertiesError.Types.PropertyError { PropertyPath = Cut(failures[shown].Path, MaxPathLength), Reason = more });
        }
        var message = string.Join("\n", lines);
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = message,
            Details = { Any.Pack(details) },
        };
        var trailers = new Metadata { { StatusDetailsKey, status.ToByteArray() } };
        return new RpcException(new Status(StatusCode.InvalidArgument, message), trailers);
    }

    /// <summary>The last guard: an error too large to be sent is replaced by a short one that says so, and logged, so
    /// that the call still gets an answer.</summary>
    public static RpcException Bounded(RpcException e, EngineLog? log)
    {
        if (EncodedSize(e) <= MaxErrorBytes) return e;
        log?.Error($"an error of {EncodedSize(e)} bytes was too large to send; answering with its start");
        var detail = Cut(e.Status.Detail, MaxLineLength);
        return new RpcException(new Status(e.StatusCode, $"{detail} (error shortened: it was too large to send)"));
    }

    /// <summary>Bytes the status takes on the wire: grpc-message percent-encodes non-ASCII as UTF-8 (3 characters per
    /// byte), binary trailers are base64.</summary>
    private static int EncodedSize(RpcException e)
    {
        var size = 0;
        foreach (var c in e.Status.Detail) size += c is >= ' ' and <= '~' and not '%' ? 1 : 9;
        foreach (var entry in e.Trailers) size += entry.Key.Length + (entry.IsBinary ? (entry.ValueBytes.Length + 2) / 3 * 4 : entry.Value.Length);
        return size;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
