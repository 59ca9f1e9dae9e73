using System.Globalization;
using Multinode.Worker.Shared;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>A redis-server as managed Redis is deployed: TLS only (a CA of its own, made here with openssl), an ACL
/// user, a database other than 0.</summary>
public sealed class TlsRedisServer : IAsyncLifetime
{
    private Child? _server;
    private readonly string _folder = Directory.CreateTempSubdirectory("multinode-tls-").FullName;

    public int Port { get; } = Repo.FreePort();

    public string CaFile => Path.Combine(_folder, "ca.crt");

    public RedisEndpoint Admin => new("localhost", Port, true, null, null, 0, CaFile);

    public async Task InitializeAsync()
    {
        async Task Run(params string[] args)
        {
            using var openssl = new Child("openssl", args, workingDirectory: _folder);
            Assert.Equal(0, await openssl.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        await Run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=multinode-test-ca");
        await Run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        await File.WriteAllTextAsync(Path.Combine(_folder, "ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1");
        await Run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
            "-days", "1", "-extfile", "ext");
        _server = new Child("redis-server", ["--port", "0", "--tls-port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--tls-cert-file", Path.Combine(_folder, "server.crt"), "--tls-key-file", Path.Combine(_folder, "server.key"),
            "--tls-ca-cert-file", CaFile, "--tls-auth-clients", "no", "--save", "", "--appendonly", "no"]);
        await UntilAsync(async () =>
        {
            try
            {
                using var c = await RespConnection.ConnectAsync(Admin, CancellationToken.None);
                return await c.CommandAsync(CancellationToken.None, "ACL", "SETUSER", "worker", "on", ">s3cret", "~*", "&*", "+@all") is "OK";
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server with TLS");
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class RedisDeployedTests(TlsRedisServer redis) : IClassFixture<TlsRedisServer>
{
    private Dictionary<string, string?> Env(int port, string address)
    {
        var env = new Dictionary<string, string?>
        {
            ["MULTINODE_KIND"] = "function",
            ["MULTINODE_WORKLOAD"] = "square",
            ["MULTINODE_QUEUE_KIND"] = "redis",
            ["MULTINODE_QUEUE"] = "tls",
            ["MULTINODE_REDIS_ADDRESS"] = address,
            ["MULTINODE_TIMEOUT_SECONDS"] = "5",
            ["MULTINODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        };
        return env;
    }

    [Fact]
    public async Task Rediss_AclUserAndDatabase_ServesThroughTls()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        var env = Env(server.Port, $"rediss://worker:s3cret@localhost:{redis.Port}/3");
        env["MULTINODE_REDIS_CA_FILE"] = redis.CaFile;
        using var worker = StartWorker(env);
        using var c = await RespConnection.ConnectAsync(redis.Admin with { User = "worker", Password = "s3cret", Database = 3 }, CancellationToken.None);
        await PushAsync(c, "tls", Message("t0", """{"x":6}""", "tls:replies"));

        var reply = Assert.Single(await RepliesAsync(c, "tls:replies", 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(36, reply.Output!.Value.GetProperty("y").GetInt32());
        using var db0 = await RespConnection.ConnectAsync(redis.Admin, CancellationToken.None);
        Assert.Equal(0L, await db0.CommandAsync(CancellationToken.None, "EXISTS", "tls:processing"));
    }

    [Fact]
    public async Task Rediss_ServerNotSignedByATrustedCa_Refused()
    {
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        // No MULTINODE_REDIS_CA_FILE: the system store does not know the test CA, so the worker must not talk to it.
        using var worker = StartWorker(Env(server.Port, $"rediss://worker:s3cret@localhost:{redis.Port}/4"));
        using var c = await RespConnection.ConnectAsync(redis.Admin with { Database = 4 }, CancellationToken.None);
        await PushAsync(c, "tls", Message("t1", """{"x":6}""", "tls:replies"));

        await worker.WaitForOutputAsync("taking from tls failed", TimeSpan.FromSeconds(30));

        Assert.Contains("The remote certificate is invalid", worker.Output, StringComparison.Ordinal);
        Assert.Equal(1L, await c.CommandAsync(CancellationToken.None, "LLEN", "tls"));
        Assert.DoesNotContain("s3cret", worker.Output, StringComparison.Ordinal);
    }
}
