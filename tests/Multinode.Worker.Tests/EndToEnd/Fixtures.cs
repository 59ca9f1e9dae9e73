using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Web;
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

    public Task ReadyAsync() => _child.WaitForOutputAsync(_ready, TimeSpan.FromSeconds(10));

    public int Invocations(string needle) => Output.Split('\n').Count(l => l.StartsWith("invoke ", StringComparison.Ordinal) && l.Contains(needle, StringComparison.Ordinal));

    public void Dispose() => _child.Dispose();
}

/// <summary>One recorded Auto Scaling call.</summary>
public sealed record AwsCall(string Action, IReadOnlyDictionary<string, string> Parameters, string Authorization, DateTimeOffset At);

/// <summary>A stand-in for the Auto Scaling Query API and the instance metadata service (no emulator for either
/// exists): records every call, answers DescribeAutoScalingGroups with <see cref="InService"/> instances, and turns
/// the instance's target lifecycle state to Terminated when it ends itself, as the lifecycle hook would.</summary>
public sealed class FakeAws : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public int Port { get; } = Repo.FreePort();

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    public ConcurrentQueue<AwsCall> Calls { get; } = new();

    public volatile int InService = 1;

    public volatile string LifecycleState = "InService";

    public const string Hook = "square-drain";

    public FakeAws()
    {
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public IReadOnlyList<AwsCall> Of(string action) => [.. Calls.Where(c => c.Action == action)];

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var (status, body) = await AnswerAsync(context.Request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private async Task<(int, string)> AnswerAsync(HttpListenerRequest request)
    {
        var path = request.Url!.AbsolutePath;
        if (request.HttpMethod == "PUT" && path == "/latest/api/token")
            return request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] is null ? (400, "") : (200, "imds-token");
        if (request.HttpMethod == "GET" && path == "/latest/meta-data/autoscaling/target-lifecycle-state")
            return request.Headers["X-aws-ec2-metadata-token"] == "imds-token" ? (200, LifecycleState) : (401, "");
        using var reader = new StreamReader(request.InputStream);
        if (request.HttpMethod == "PATCH")
        {
            Calls.Enqueue(new AwsCall("PATCH " + path, new Dictionary<string, string> { ["body"] = await reader.ReadToEndAsync(),
                ["content-type"] = request.ContentType ?? "" }, request.Headers["Authorization"] ?? "", DateTimeOffset.UtcNow));
            return (200, "{}");
        }
        var form = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
        var parameters = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!);
        var action = parameters.GetValueOrDefault("Action", "");
        Calls.Enqueue(new AwsCall(action, parameters, request.Headers["Authorization"] ?? "", DateTimeOffset.UtcNow));
        const string ns = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
        switch (action)
        {
            case "DescribeAutoScalingGroups":
                var members = string.Concat(Enumerable.Range(0, InService).Select(i =>
                    $"<member><InstanceId>i-{i}</InstanceId><LifecycleState>InService</LifecycleState></member>"));
                return (200, $"""<DescribeAutoScalingGroupsResponse xmlns="{ns}"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><Instances>{members}<member><InstanceId>i-gone</InstanceId><LifecycleState>Terminating:Wait</LifecycleState></member></Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>""");
            case "DescribeLifecycleHooks":
                return (200, $"""<DescribeLifecycleHooksResponse xmlns="{ns}"><DescribeLifecycleHooksResult><LifecycleHooks><member><LifecycleHookName>launch</LifecycleHookName><LifecycleTransition>autoscaling:EC2_INSTANCE_LAUNCHING</LifecycleTransition></member><member><LifecycleHookName>{Hook}</LifecycleHookName><LifecycleTransition>autoscaling:EC2_INSTANCE_TERMINATING</LifecycleTransition></member></LifecycleHooks></DescribeLifecycleHooksResult></DescribeLifecycleHooksResponse>""");
            case "TerminateInstanceInAutoScalingGroup":
                InService--;
                LifecycleState = "Terminated";
                return (200, $"""<TerminateInstanceInAutoScalingGroupResponse xmlns="{ns}"><TerminateInstanceInAutoScalingGroupResult><Activity><StatusCode>InProgress</StatusCode></Activity></TerminateInstanceInAutoScalingGroupResult></TerminateInstanceInAutoScalingGroupResponse>""");
            case "SetInstanceProtection" or "CompleteLifecycleAction" or "RecordLifecycleActionHeartbeat":
                return (200, $"""<{action}Response xmlns="{ns}"><{action}Result/></{action}Response>""");
            default:
                return (400, $"""<ErrorResponse xmlns="{ns}"><Error><Code>InvalidAction</Code><Message>{action} is not faked</Message></Error></ErrorResponse>""");
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
