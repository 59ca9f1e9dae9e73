using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal.Auth;

namespace Multinode.Worker.Shared;

/// <summary>AWS Query API calls (<c>Action=...&amp;Version=...</c>, form body, XML answer), SigV4-signed with
/// AWSSDK.Core's signer. One client serves Auto Scaling (whose SDK package is not obtainable here) and SQS (whose
/// v4 SDK speaks only AWS JSON, while real SQS accepts both and the emulator the tests run speaks only Query).</summary>
public sealed class AwsQueryClient(HttpClient http, string region, Func<ImmutableCredentials> credentials)
{
    public string Region { get; } = region;

    /// <summary>Credentials from AWSSDK.Core's default chain: environment variables, profile, then the instance
    /// role (refreshed by the SDK as it expires).</summary>
    public static Func<ImmutableCredentials> DefaultCredentials()
    {
        AWSCredentials? resolved = null;
        return () => (resolved ??= DefaultAWSCredentialsIdentityResolver.GetCredentials()).GetCredentials();
    }

    /// <summary>How long one call may take when the caller names no deadline (docs/worker.md, "Deadlines").</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Calls <paramref name="action"/> and returns the response document's root; an error answer
    /// throws <see cref="AwsCallException"/> with AWS's code and message. A call with no answer within
    /// <paramref name="deadline"/> (default <see cref="DefaultDeadline"/>) throws <see cref="TimeoutException"/>.</summary>
    public async Task<XElement> CallAsync(Uri endpoint, string service, string version, string action,
        IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancel, TimeSpan? deadline = null)
    {
        var body = FormBody([new("Action", action), new("Version", version), .. parameters]);
        var limit = deadline ?? DefaultDeadline;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(limit);
        using var request = Sign(endpoint, service, body, DateTime.UtcNow, credentials());
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, timer.Token);
            text = await response.Content.ReadAsStringAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"{action} to {endpoint.Host}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)} " +
                $"did not answer within {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        using var _ = response;
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            throw new AwsCallException(action, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), text,
                (int)response.StatusCode);
        }
        if (!response.IsSuccessStatusCode || root.Name.LocalName == "ErrorResponse")
            throw new AwsCallException(action, root.Find("Code") ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
                root.Find("Message") ?? text, (int)response.StatusCode);
        return root;
    }

    /// <summary>Builds the signed POST (SigV4 over host, x-amz-date, content-type and the session token if any).</summary>
    public HttpRequestMessage Sign(Uri endpoint, string service, string body, DateTime signedAt, ImmutableCredentials creds)
    {
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var amzDate = signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var host = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = contentType,
            ["host"] = host,
            ["x-amz-date"] = amzDate,
        };
        if (creds.UseToken) headers["x-amz-security-token"] = creds.Token;
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = CanonicalRequest("POST", endpoint.AbsolutePath, headers, body);
        var result = AWS4Signer.ComputeSignature(creds, Region, signedAt, service, signedHeaders, canonical);

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (creds.UseToken) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", creds.Token);
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
        return request;
    }

    /// <summary>SigV4's canonical request: method, path, (empty) query, sorted lower-case headers, their names,
    /// and the body's SHA-256.</summary>
    public static string CanonicalRequest(string method, string path, IReadOnlyDictionary<string, string> sortedHeaders, string body)
    {
        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(string.IsNullOrEmpty(path) ? "/" : path).Append('\n').Append('\n');
        foreach (var (name, value) in sortedHeaders) text.Append(name).Append(':').Append(value.Trim()).Append('\n');
        text.Append('\n').Append(string.Join(';', sortedHeaders.Keys)).Append('\n');
        text.Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        return text.ToString();
    }

    /// <summary>RFC 3986 form encoding, as SigV4 requires.</summary>
    public static string FormBody(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
}

/// <summary>An AWS error answer (<c>&lt;Error&gt;&lt;Code&gt;</c>) or an unreadable one.</summary>
public sealed class AwsCallException(string action, string code, string message, int status = 400)
    : Exception($"{action} failed: {code}: {message}")
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    /// <summary>Worth retrying with backoff: a 5xx, or throttling (AWS's common errors: Throttling,
    /// RequestLimitExceeded, ServiceUnavailable, InternalFailure; Auto Scaling's ResourceContention).</summary>
    public bool Transient => Status >= 500 || Code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded"
        or "RequestThrottled" or "ServiceUnavailable" or "InternalFailure" or "InternalError" or "ResourceContention";
}

/// <summary>Namespace-agnostic lookups in Query API answers.</summary>
public static class AwsXml
{
    public static string? Find(this XElement root, string localName) =>
        root.Descendants().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    public static IEnumerable<XElement> All(this XElement root, string localName) =>
        root.Descendants().Where(e => e.Name.LocalName == localName);

    public static string? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
}
