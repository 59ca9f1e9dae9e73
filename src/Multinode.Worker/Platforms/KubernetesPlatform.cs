using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Multinode.Worker.Decisions;

namespace Multinode.Worker.Platforms;

/// <summary>Kubernetes duties: publish this pod's deletion cost so scale-in removes the longest-idle pod first and
/// a busy one last. (SIGTERM draining is the worker loop's, on every platform.)</summary>
public sealed class KubernetesPlatform(HttpClient http, Uri api, string ns, string pod, DeletionCostPolicy policy, TimeProvider clock,
    Action<string> log) : IPlatform
{
    public const string ServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

    public bool StopRequested => false;

    public Task BusyAsync(CancellationToken cancel) => PublishAsync(null, cancel);

    public Task IdleAsync(DateTimeOffset idleSince, CancellationToken cancel) => PublishAsync(idleSince, cancel);

    public Task StoppedAsync(CancellationToken cancel) => Task.CompletedTask;

    private async Task PublishAsync(DateTimeOffset? idleSince, CancellationToken cancel)
    {
        var now = clock.GetUtcNow();
        if (policy.Next(now, idleSince) is not { } cost) return;
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
        try
        {
            using var response = await http.SendAsync(request, cancel);
            if (!response.IsSuccessStatusCode)
            {
                log($"setting pod-deletion-cost={cost} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}");
                // Count it as published so a missing RBAC rule costs one call per interval, not one per second.
            }
        }
        catch (HttpRequestException e)
        {
            log($"setting pod-deletion-cost={cost} failed: {e.Message}");
        }
        policy.Published(now, cost);
    }

    /// <summary>An HTTP handler that trusts the cluster's CA (the service account's ca.crt) when present.</summary>
    public static HttpMessageHandler Handler()
    {
        var handler = new SocketsHttpHandler();
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
