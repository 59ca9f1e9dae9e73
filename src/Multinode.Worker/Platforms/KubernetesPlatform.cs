using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Multinode.Worker.Decisions;

namespace Multinode.Worker.Platforms;

/// <summary>Kubernetes duties: publish this pod's deletion cost so scale-in removes the longest-idle pod first and
/// a busy one last. The patch runs beside the invocation loop (never on the invocation path), each call within
/// <see cref="Deadline"/>; a failure is logged and retried with backoff. (SIGTERM draining is the worker loop's.)</summary>
public sealed class KubernetesPlatform(HttpClient http, Uri api, string ns, string pod, DeletionCostPolicy policy, TimeProvider clock,
    Action<string> log) : IPlatform
{
    public const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>One API call's deadline (docs/worker.md, "Deadlines and retries").</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private CancellationTokenSource? _duties;
    private Task? _loop;
    private volatile bool _busy;
    private DateTimeOffset _idleSince;

    public string? StopReason => null;

    public void Start(CancellationToken stop)
    {
        _idleSince = clock.GetUtcNow();
        _duties = new CancellationTokenSource();
        _loop = Task.Run(() => PublishLoopAsync(_duties.Token));
    }

    public Task<IDisposable> HoldAsync(CancellationToken cancel) => Task.FromResult<IDisposable>(Hold.None);

    public Task BusyAsync(CancellationToken cancel)
    {
        _busy = true;
        if (_wake.CurrentCount == 0) _wake.Release();
        return Task.CompletedTask;
    }

    public void Idle(DateTimeOffset since)
    {
        _idleSince = since;
        _busy = false;
    }

    public async Task StoppedAsync(bool finished, CancellationToken cancel)
    {
        if (_duties is null) return;
        await _duties.CancelAsync();
        await _loop!;
    }

    private async Task PublishLoopAsync(CancellationToken cancel)
    {
        var failures = 0;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                var pause = failures > 0 ? Calls.Backoff(failures, Random.Shared.NextDouble) : TimeSpan.FromSeconds(1);
                await _wake.WaitAsync(pause, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = clock.GetUtcNow();
            if (policy.Next(now, _busy ? null : _idleSince) is not { } cost) continue;
            try
            {
                await PublishAsync(cost, cancel);
                failures = 0;
                policy.Published(now, cost);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                failures++;
                log($"setting pod-deletion-cost={cost} failed ({e.Message}); retry {failures} after backoff");
                // A refused patch (e.g. a missing RBAC rule) is counted as published: one call per interval, not per second.
                if (e is HttpRequestException { StatusCode: not null } http && (int)http.StatusCode!.Value < 500)
                {
                    failures = 0;
                    policy.Published(now, cost);
                }
            }
        }
    }

    private async Task PublishAsync(int cost, CancellationToken cancel)
    {
        var uri = new Uri(api, $"api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}");
        using var request = new HttpRequestMessage(HttpMethod.Patch, uri)
        {
            Content = new StringContent(DeletionCostPolicy.Patch(cost), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        // Projected tokens rotate: read the file each time.
        var tokenFile = Path.Combine(ServiceAccount, "token");
        if (File.Exists(tokenFile))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile, cancel)).Trim());
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(Deadline);
        try
        {
            using var response = await http.SendAsync(request, timer.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timer.Token);
                throw new HttpRequestException($"{(int)response.StatusCode} {body}", null, response.StatusCode);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"the API server did not answer within {Deadline.TotalSeconds} s");
        }
    }

    /// <summary>An HTTP handler that trusts the cluster's CA (the service account's ca.crt) when present.</summary>
    public static HttpMessageHandler Handler()
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = Deadline };
        var caFile = Path.Combine(ServiceAccount, "ca.crt");
        if (!File.Exists(caFile)) return handler;
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == System.Net.Security.SslPolicyErrors.None) return true;
            if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return handler;
    }
}
