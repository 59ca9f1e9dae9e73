using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider;

/// <summary>
/// Hosts the plugin the way the engine expects: Kestrel on 127.0.0.1, a port the OS picks, HTTP/2 only, no
/// configuration sources or console logging; stdout carries only "port\n". It stops on Cancel, on SIGTERM,
/// and when the process that started it goes away.
/// </summary>
public static class PluginHost
{
    /// <summary>Builds and starts the host; the port is bound when this returns. Components are read and planned as
    /// <paramref name="kinds"/> has them. <paramref name="calls"/> is the deadline of calls to the engine, by default
    /// <see cref="EngineCalls.FromEnvironment"/>.</summary>
    public static async Task<WebApplication> StartAsync(KindRegistry kinds, string? engineAddress, int port = 0, EngineCalls? calls = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel's own body limit (30,000,000 bytes) would answer HTTP 413, which the engine reads as UNKNOWN;
            // the request limit is NestingGuard.MaxRequestBytes, refused with RESOURCE_EXHAUSTED.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ProviderErrors>();
            options.MaxReceiveMessageSize = NestingGuard.MaxRequestBytes;
        });
        builder.Services.AddSingleton(new EngineLog(engineAddress));
        builder.Services.AddSingleton<ProviderState>();
        builder.Services.AddSingleton(kinds);
        builder.Services.AddSingleton(calls ?? EngineCalls.FromEnvironment());
        builder.Services.AddSingleton<ComponentConstructor>();
        builder.Services.AddSingleton<InstanceTypeSelector>();
        // In-flight calls are cancelled as shutdown starts (below) and answer at once; this only bounds a straggler.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownGrace);

        var app = builder.Build();
        // SIGTERM, SIGINT, Cancel or engine loss: every in-flight Construct and Invoke is cancelled and answers CANCELLED.
        var state = app.Services.GetRequiredService<ProviderState>();
        app.Lifetime.ApplicationStopping.Register(state.Cancellation.Cancel);
        NestingGuard.Use(app);
        app.MapGrpcService<ResourceProviderService>();
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>Longest wait for in-flight calls to answer once shutdown starts.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>How often the engine's address is probed (<see cref="WatchEngineAsync"/>).</summary>
    public static readonly TimeSpan EngineProbePeriod = TimeSpan.FromSeconds(1);

    /// <summary>The port Kestrel bound.</summary>
    public static int Port(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }

    /// <summary>Runs the plugin until Cancel, SIGTERM/SIGINT or the parent's exit.</summary>
    public static async Task<int> RunAsync(string[] args, KindRegistry kinds)
    {
        // Read before anything else: the parent may be gone by the time the port is out.
        var parent = ParentId();
        var engineAddress = EngineAddress(args);
        await using var app = await StartAsync(kinds, engineAddress).ConfigureAwait(false);
        using (var stdout = Console.OpenStandardOutput())
        {
            var line = System.Text.Encoding.ASCII.GetBytes($"{Port(app)}\n");
            await stdout.WriteAsync(line).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
        }
        var lifetime = app.Lifetime;
        if (parent is not null) _ = WatchParentAsync(parent.Value, lifetime);
        if (engineAddress is not null) _ = WatchEngineAsync(engineAddress, lifetime, EngineProbePeriod);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>What the plugin prints instead of serving when a person runs it with <c>--version</c> or <c>--help</c>;
    /// null for the engine's arguments (an address and flags such as <c>--logtostderr</c>, <c>-v=9</c>).</summary>
    public static string? Answer(IReadOnlyList<string> args) => args switch
    {
        ["--version"] => $"{Schema.PackageSchema.Version}\n",
        ["--help"] or ["-h"] => $"""
            pulumi-resource-multinode {Schema.PackageSchema.Version}: the Multinode.Infra resource provider plugin.

            The Pulumi engine starts it: it serves the plugin protocol on a loopback port and prints only the port.
            Install it with `pulumi plugin install resource multinode {Schema.PackageSchema.Version} --file <this file>`.

            Usage: pulumi-resource-multinode [ENGINE_ADDRESS] [engine flags]
                   pulumi-resource-multinode --version | --help

            """,
        _ => null,
    };

    /// <summary>The one positional argument; flags (<c>--logtostderr</c>, <c>-v=9</c>, <c>--tracing X</c>) are ignored.</summary>
    public static string? EngineAddress(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-')) return arg;
            var name = arg.TrimStart('-');
            if (!name.Contains('=', StringComparison.Ordinal) && name is "tracing" or "root" or "logflow-to" && i + 1 < args.Count) i++;
        }
        return null;
    }

    /// <summary>
    /// Stops the plugin when the engine is gone: its gRPC address refuses connections (the engine's listener closes
    /// with its process). Unlike the parent pid this also holds when the plugin was started through a shell or a
    /// wrapper. Two refusals in a row are needed, so one dropped connection is not mistaken for the engine's end.
    /// </summary>
    public static async Task WatchEngineAsync(string engineAddress, IHostApplicationLifetime lifetime, TimeSpan period)
    {
        if (!Uri.TryCreate(Channels.Address(engineAddress), UriKind.Absolute, out var uri) || uri.Port <= 0) return;
        using var timer = new PeriodicTimer(period);
        var refused = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping).ConfigureAwait(false))
            {
                using var probe = new System.Net.Sockets.TcpClient();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
                timeout.CancelAfter(period);
                try
                {
                    await probe.ConnectAsync(uri.Host, uri.Port, timeout.Token).ConfigureAwait(false);
                    refused = 0;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    if (++refused >= 2)
                    {
                        lifetime.StopApplication();
                        return;
                    }
                }
                catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    // A slow answer is not a dead engine.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping anyway.
        }
    }

    /// <summary>When the engine dies without a word the plugin is re-parented: stop then, not linger.</summary>
    private static async Task WatchParentAsync(int parent, IHostApplicationLifetime lifetime)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping).ConfigureAwait(false) is true)
        {
            if (ParentId() != parent)
            {
                lifetime.StopApplication();
                return;
            }
        }
    }

    /// <summary>The parent's pid from /proc (Linux); null where there is no /proc.</summary>
    private static int? ParentId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
