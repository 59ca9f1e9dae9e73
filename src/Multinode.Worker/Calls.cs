using System.Net.Sockets;
using Multinode.Worker.Shared;

namespace Multinode.Worker;

/// <summary>The one retry policy for calls that leave the process (docs/worker.md, "Deadlines and retries"): each
/// attempt has its own deadline (set by the client that makes it), failures that may pass (no answer, a refused or
/// reset connection, a 5xx, throttling) are retried with exponential backoff and full jitter, anything else is
/// thrown at once.</summary>
public static class Calls
{
    /// <summary>First backoff; each retry doubles it, up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>True for a failure that a later attempt may not meet.</summary>
    public static bool Transient(Exception e) => e switch
    {
        AwsCallException aws => aws.Transient,
        TimeoutException or HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>The pause before retry number <paramref name="attempt"/> (1-based): uniform in
    /// [0, min(max, first·2^(n-1))].</summary>
    public static TimeSpan Backoff(int attempt, Func<double> random)
    {
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)));
        return TimeSpan.FromMilliseconds(cap * random());
    }

    /// <summary>Runs <paramref name="call"/> up to <paramref name="attempts"/> times while it fails transiently;
    /// logs each failure once, naming <paramref name="what"/>.</summary>
    public static async Task<T> RetryAsync<T>(string what, int attempts, Func<CancellationToken, Task<T>> call, Action<string> log,
        CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancel);
            }
            catch (Exception e) when (attempt < attempts && Transient(e) && !cancel.IsCancellationRequested)
            {
                var pause = Backoff(attempt, Random.Shared.NextDouble);
                log(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{what} failed ({e.Message}); retry {attempt} of {attempts - 1} in {pause.TotalMilliseconds:0} ms"));
                await Task.Delay(pause, cancel);
            }
        }
    }

    public static Task RetryAsync(string what, int attempts, Func<CancellationToken, Task> call, Action<string> log,
        CancellationToken cancel) =>
        RetryAsync(what, attempts, async c => { await call(c); return true; }, log, cancel);
}
