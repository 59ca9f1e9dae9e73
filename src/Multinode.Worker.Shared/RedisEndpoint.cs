using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Multinode.Worker.Shared;

/// <summary>Where and how to reach Redis: <c>host:port</c>, or <c>redis://[user[:password]@]host[:port][/db]</c>,
/// or <c>rediss://…</c> for TLS. TLS validates the server against the system CA store, or against
/// <see cref="CaFile"/> (a PEM file) when given; <see cref="User"/> and <see cref="Password"/> authenticate with
/// <c>AUTH</c> (an ACL user when a user is named).</summary>
public sealed record RedisEndpoint(string Host, int Port, bool Tls, string? User, string? Password, int Database, string? CaFile)
{
    public const int DefaultPort = 6379;

    /// <summary>Parses an address; settings from the environment (TLS flag, user, password, CA) fill in what the
    /// address does not say. Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RedisEndpoint Parse(string address, bool tls = false, string? user = null, string? password = null,
        string? caFile = null)
    {
        if (address.StartsWith("redis://", StringComparison.Ordinal) || address.StartsWith("rediss://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new FormatException($"'{Redact(address)}' is not a redis:// or rediss:// URL");
            string? urlUser = null, urlPassword = null;
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                urlUser = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                urlPassword = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                if (urlPassword is null) (urlUser, urlPassword) = (null, urlUser);
            }
            var path = uri.AbsolutePath.Trim('/');
            var db = 0;
            if (path.Length > 0 && (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out db) || db > 15))
                throw new FormatException($"'{Redact(address)}': the database must be a number from 0 to 15");
            return new RedisEndpoint(uri.IdnHost.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
                tls || uri.Scheme == "rediss", string.IsNullOrEmpty(urlUser) ? user : urlUser, urlPassword ?? password, db, caFile);
        }
        if (address.Contains("://", StringComparison.Ordinal))
            throw new FormatException($"'{Redact(address)}' must be host:port, redis:// or rediss://");
        var at = address.LastIndexOf(':');
        if (at <= 0) return new RedisEndpoint(address, DefaultPort, tls, user, password, 0, caFile);
        var valid = int.TryParse(address[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port);
        return valid && port is > 0 and < 65536
            ? new RedisEndpoint(address[..at], port, tls, user, password, 0, caFile)
            : throw new FormatException($"'{address}' is not host:port");
    }

    /// <summary>The address without its password, for messages.</summary>
    public static string Redact(string address) =>
        System.Text.RegularExpressions.Regex.Replace(address, "(?<=://[^/@:]*:)[^@/]*(?=@)", "***");

    public override string ToString() => $"{(Tls ? "rediss" : "redis")}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>TLS client options: the host's name checked; the chain checked against the CA file when given.</summary>
    public SslClientAuthenticationOptions TlsOptions()
    {
        var options = new SslClientAuthenticationOptions { TargetHost = Host };
        if (CaFile is null) return options;
        var ca = X509CertificateLoader.LoadCertificateFromFile(CaFile);
        options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return options;
    }
}
