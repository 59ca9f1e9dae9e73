using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// What the Node-mode tests run: TypeScript programs in folders under tests/cli-node, which
/// resolve that folder's locked packages (@pulumi/pulumi, typescript: `npm ci --ignore-scripts` once per run, skipped
/// when node_modules matches the lock file) and the SDK (sdk/nodejs compiled there with tsc, as `npm pack` would
/// build it, skipped when the sources are unchanged).
/// </summary>
internal static class NodePrograms
{
    public static string Folder { get; } = Repo.File("tests", "cli-node");

    private static readonly Lazy<string?> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Installs once; fails the test with npm's or tsc's output when that fails.</summary>
    public static void EnsureInstalled() => Assert.True(Installed.Value is null, Installed.Value);

    private static string? Install()
    {
        var marker = Path.Combine(Folder, "node_modules", ".package-lock.json");
        if (!File.Exists(marker) ||
            File.GetLastWriteTimeUtc(marker) < File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
        {
            var (code, output) = Exec(Folder, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                "--prefer-offline");
            if (code != 0) return $"npm ci in {Folder} failed:\n{output}";
        }
        var sdk = Repo.File("sdk", "nodejs");
        var into = Path.Combine(Folder, "node_modules", "@multinode", "pulumi-multinode");
        var sources = Directory.GetFiles(sdk, "*.ts").Append(Path.Combine(sdk, "tsconfig.json"))
            .Append(Path.Combine(sdk, "package.json")).Order(StringComparer.Ordinal).ToList();
        var stamp = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Concat(sources.Select(f => Path.GetFileName(f) + "\0" + File.ReadAllText(f) + "\0")))));
        var stampFile = Path.Combine(into, ".sources-sha256");
        if (File.Exists(stampFile) && File.ReadAllText(stampFile) == stamp &&
            File.Exists(Path.Combine(into, "bin", "index.js")))
            return null;
        if (Directory.Exists(into)) Directory.Delete(into, recursive: true);
        Directory.CreateDirectory(into);
        foreach (var file in sources) File.Copy(file, Path.Combine(into, Path.GetFileName(file)));
        var tsc = Path.Combine(Folder, "node_modules", "typescript", "bin", "tsc");
        var (tscCode, tscOutput) = Exec(into, "node", tsc, "-p", ".");
        if (tscCode != 0) return $"tsc of the SDK in {into} failed:\n{tscOutput}";
        File.WriteAllText(stampFile, stamp);
        return null;
    }

    /// <summary>A new program folder (removed on dispose) holding <paramref name="files"/>; a Pulumi.yaml and a
    /// tsconfig.json like the example's unless given.</summary>
    public static ProgramFolder Create(IReadOnlyDictionary<string, string> files)
    {
        EnsureInstalled();
        var dir = Path.Combine(Folder, $".work-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var example = Repo.File("examples", "typescript-function");
        File.Copy(Path.Combine(example, "tsconfig.json"), Path.Combine(dir, "tsconfig.json"));
        File.WriteAllText(Path.Combine(dir, "package.json"), """{ "name": "node-test-program", "private": true }""");
        if (!files.ContainsKey("Pulumi.yml"))
            File.WriteAllText(Path.Combine(dir, "Pulumi.yaml"), Project("node-test-program"));
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text);
        return new ProgramFolder(dir);
    }

    /// <summary>A Node project on Kubernetes, as the example's Pulumi.yml configures it.</summary>
    public static string Project(string name) => $$"""
        name: {{name}}
        runtime: nodejs
        config:
          multinode:target:
            value: kubernetes
          multinode:kubernetes:
            value:
              namespace: demo
              queue: { kind: redis, address: redis.demo.svc.cluster.local:6379 }
        """;

    /// <summary>An index.ts that imports the SDK (and @pulumi/pulumi) and runs <paramref name="body"/>.</summary>
    public static string Index(string body) => $$"""
        import * as pulumi from "@pulumi/pulumi";
        import * as multinode from "@multinode/pulumi-multinode";
        void pulumi;
        void multinode;
        {{body}}
        """;

    /// <summary>A custom resource of any type stands for another provider's resource: in preview its outputs are
    /// unknown, so an image made from one is unknown in the plan.</summary>
    public const string Repository = """
        class Repository extends pulumi.CustomResource {
          declare readonly repositoryUrl: pulumi.Output<string>;
          constructor(name: string, args: { imageTagMutability: string }) {
            super("aws:ecr/repository:Repository", name, { ...args, repositoryUrl: undefined }, {});
          }
        }
        const repo = new Repository("images", { imageTagMutability: "IMMUTABLE" });
        """;

    /// <summary>Makes <paramref name="program"/> a git repository with one commit per index.ts revision.</summary>
    public static void Commit(ProgramFolder program, params string[] revisions)
    {
        void Git(params string[] args)
        {
            var (code, output) = Exec(program.Dir, "git",
                ["-c", "user.email=t@example.com", "-c", "user.name=t", .. args]);
            Assert.True(code == 0, $"git {string.Join(' ', args)}: {output}");
        }
        Git("init", "-q");
        for (var i = 0; i < revisions.Length; i++)
        {
            File.WriteAllText(program.File("index.ts"), revisions[i]);
            Git("add", ".");
            Git("commit", "-q", "-m", $"revision {i + 1}");
        }
    }

    /// <summary>The built `multinode` as a process in <paramref name="folder"/>, with extra environment variables;
    /// killed after <paramref name="limit"/>.</summary>
    public static (int Code, string Out, string Err, TimeSpan Took) Cli(string folder,
        IReadOnlyDictionary<string, string> env, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in new[] { "exec", typeof(Cli).Assembly.Location }.Concat(args)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in env) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"multinode {string.Join(' ', args)} did not end within {limit.TotalSeconds} s");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    public static (int Code, string Output) Exec(string folder, string file, params string[] args) =>
        Node.Run(folder, file, args);
}

/// <summary>A program folder under tests/cli-node, removed on dispose.</summary>
internal sealed class ProgramFolder(string dir) : IDisposable
{
    public string Dir { get; } = dir;

    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
