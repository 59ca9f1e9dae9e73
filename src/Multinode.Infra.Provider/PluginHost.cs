using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Multinode.Infra.Provider;

/// <summary>
/// Hosts the plugin the way the engine expects: Kestrel on 127.0.0.1, a port the OS picks, HTTP/2 only, no
/// configuration sources or console logging; stdout carries only "port\n". It stops on Cancel, on SIGTERM,
/// and when the process that started it goes away.
/// </summary>
public static class PluginHost
{
    /// <summary>Builds and starts the host; the port is bound when this returns.</summary>
    public static async Task<WebApplication> StartAsync(string? engineAddress, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<ProviderErrors>();
            options.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.AddSingleton(new EngineLog(engineAddress));
        builder.Services.AddSingleton<ProviderState>();
        builder.Services.AddSingleton<ComponentConstructor>();
        builder.Services.AddSingleton<InstanceTypeSelector>();

        var app = builder.Build();
        app.MapGrpcService<ResourceProviderService>();
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>The port Kestrel bound.</summary>
    public static int Port(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }

    /// <summary>Runs the plugin until Cancel, SIGTERM/SIGINT or the parent's exit.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // Read before anything else: the parent may be gone by the time the port is out.
        var parent = ParentId();
        var engineAddress = EngineAddress(args);
        await using var app = await StartAsync(engineAddress).ConfigureAwait(false);
        using (var stdout = Console.OpenStandardOutput())
        {
            var line = System.Text.Encoding.ASCII.GetBytes($"{Port(app)}\n");
            await stdout.WriteAsync(line).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
        }
        var lifetime = app.Lifetime;
        if (parent is not null) _ = WatchParentAsync(parent.Value, lifetime);
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
