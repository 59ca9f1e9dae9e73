using System.Globalization;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>A real redis-server (Debian package; tests/run.sh installs it) on a free loopback port.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Child? _server;

    public int Port { get; } = Repo.FreePort();

    public string Address => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        _server = new Child("redis-server", ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no"]);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var c = await RespConnection.ConnectAsync(Address, null, CancellationToken.None);
                if (await c.CommandAsync(CancellationToken.None, "PING") is "PONG") return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < until)
            {
            }
            await Task.Delay(50);
        }
    }

    public Task<RespConnection> ConnectAsync() => RespConnection.ConnectAsync(Address, null, CancellationToken.None);

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>sqslite (npm, locked in tests/worker-sqs) on a free loopback port: an SQS Query API emulator.</summary>
public sealed class SqsEmulator : IAsyncLifetime
{
    private Child? _server;

    public int Port { get; } = Repo.FreePort();

    // sqslite recognises queue URLs on "localhost" only.
    public Uri Endpoint => new($"http://localhost:{Port}/");

    public async Task InitializeAsync()
    {
        var folder = Repo.File("tests", "worker-sqs");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "sqslite")))
        {
            using var npm = new Child("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], workingDirectory: folder);
            Assert.Equal(0, await npm.WaitAsync(TimeSpan.FromMinutes(2)));
        }
        _server = new Child("node", [Path.Combine(folder, "node_modules", "sqslite", "bin", "cli.js"), "--host", "127.0.0.1",
            "--port", Port.ToString(CultureInfo.InvariantCulture)]);
        await _server.WaitForOutputAsync("listening", TimeSpan.FromSeconds(20));
    }

    public SqsClient Client(HttpClient http) =>
        new(new AwsQueryClient(http, "us-east-1", () => new Amazon.Runtime.ImmutableCredentials("AKIDTEST", "secret", null)), Endpoint);

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A user server (node) on a free port.</summary>
public sealed class UserServerProcess : IDisposable
{
    private readonly Child _child;

    public int Port { get; }

    private readonly string _ready;

    /// <summary>Starts <paramref name="script"/> (a path from the repository root) and knows it is up when it
    /// prints <paramref name="ready"/>.</summary>
    public UserServerProcess(string script = "tests/Multinode.Worker.Tests/Servers/user-server.js", string ready = "listening", int? port = null)
    {
        Port = port ?? Repo.FreePort();
        _ready = ready;
        _child = new Child("node", [Repo.File(script.Split('/'))], new Dictionary<string, string?> { ["PORT"] = Port.ToString(CultureInfo.InvariantCulture) });
    }

    public string Output => _child.Output;

    public bool Exited => _child.Exited;

    public void Signal(int signal) => _child.Signal(signal);

    public Task ReadyAsync() => _child.WaitForOutputAsync(_ready, TimeSpan.FromSeconds(10));

    public int Invocations(string needle) => Output.Split('\n').Count(l => l.StartsWith("invoke ", StringComparison.Ordinal) && l.Contains(needle, StringComparison.Ordinal));

    public void Dispose() => _child.Dispose();
}

