using System.Globalization;
using Grpc.Core;

namespace Multinode.Infra.Provider;

/// <summary>
/// The one policy for calls the plugin makes to the engine's ResourceMonitor (RegisterResource,
/// RegisterResourceOutputs, Invoke): each has a deadline, and a call the engine does not answer in time ends the
/// Construct with DEADLINE_EXCEEDED naming the call. There is no retry: a registration is not idempotent for the engine
/// (a second RegisterResource of the same URN is refused as a duplicate), and a lost connection is the engine's end.
/// </summary>
public sealed record EngineCalls(TimeSpan Timeout)
{
    /// <summary>Environment variable that sets the deadline in seconds (the engine passes its environment
    /// on).</summary>
    public const string Variable = "MULTINODE_ENGINE_CALL_TIMEOUT_SECONDS";

    /// <summary>60 s: a registration answers in milliseconds in preview; in an update the engine answers once the
    /// child's provider has created it, which for an Auto Scaling group or load balancer can take minutes — the
    /// engine registers a component's children without waiting, so the answer waited for is the monitor's.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static readonly EngineCalls Default = new(DefaultTimeout);

    /// <summary>The deadline from <see cref="Variable"/> when it is a positive number of seconds, else the
    /// default.</summary>
    public static EngineCalls FromEnvironment(Func<string, string?>? read = null)
    {
        var text = (read ?? Environment.GetEnvironmentVariable)(Variable);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
               double.IsFinite(seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
            ? new EngineCalls(TimeSpan.FromSeconds(seconds))
            : Default;
    }

    /// <summary>Makes one call with the deadline; a failure names <paramref name="what"/> and keeps the status
    /// code.</summary>
    public async Task<T> Call<T>(Func<CallOptions, AsyncUnaryCall<T>> call, string what,
        CancellationToken cancellationToken)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow + Timeout, cancellationToken: cancellationToken);
        try
        {
            return await call(options).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"{what} failed: the engine did not answer within {Seconds} s ({Variable} sets this deadline)"));
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new RpcException(new Status(e.StatusCode, $"{what} failed: {e.Status.Detail}"), e.Trailers);
        }
    }

    private string Seconds => Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
