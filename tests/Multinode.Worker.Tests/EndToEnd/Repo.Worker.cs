using System.Net;
using System.Net.Sockets;
using Multinode.Worker.Tests.EndToEnd;

namespace Multinode.Testing;

/// <summary>What the worker's tests add to the shared <see cref="Repo"/>: the programs they start and a free port.</summary>
public static class RepoWorker
{
    extension(Repo)
    {
        public static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        /// <summary>The worker as built: MULTINODE_WORKER_PATH (e.g. the Native AOT publish) or the build beside the tests.</summary>
        public static (string File, string[] Args) Worker() =>
            Environment.GetEnvironmentVariable("MULTINODE_WORKER_PATH") is { Length: > 0 } path
                ? (path, [])
                : ("dotnet", [Path.Combine(AppContext.BaseDirectory, "multinode-worker.dll")]);

        public static (string File, string[] Args) Cli()
        {
            var configuration = typeof(RepoWorker).Assembly.GetCustomAttributes(typeof(ConfigurationAttribute), false)
                .Cast<ConfigurationAttribute>().Single().Name;
            return ("dotnet", [Repo.File("src", "Multinode.Infra.Cli", "bin", configuration, "net10.0", "multinode.dll")]);
        }
    }
}
