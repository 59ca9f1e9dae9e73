using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Multinode.Infra.Schema;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Schema;

/// <summary>The committed TypeScript SDK (sdk/nodejs) is what the generator writes, carries the build's version,
/// builds with tsc --strict and packs with npm pack.</summary>
public sealed class NodeSdkTests
{
    private static string Sdk(params string[] parts) => Repo.File(["sdk", "nodejs", .. parts]);

    /// <summary>Files in sdk/nodejs that npm or git own, not the generator.</summary>
    private static readonly string[] NotGenerated = ["package-lock.json", ".gitignore"];

    [Fact]
    public void CommittedSdk_IsWhatTheGeneratorWrites()
    {
        var generated = NodeSdk.Generate(PackageSchema.Generate(KindRegistry.Default));
        foreach (var (file, text) in generated)
        {
            var path = Sdk(file);
            Assert.True(File.Exists(path),
                $"sdk/nodejs/{file} is missing; run `multinode schema --sdk nodejs sdk/nodejs`");
            Assert.True(File.ReadAllText(path) == text,
                $"sdk/nodejs/{file} differs from the generator's; run `multinode schema --sdk nodejs sdk/nodejs`");
        }
        var extra = Directory.GetFiles(Sdk())
            .Select(Path.GetFileName)
            .Where(f => !generated.ContainsKey(f!) && !NotGenerated.Contains(f))
            .ToList();
        Assert.True(extra.Count == 0, $"sdk/nodejs has files the generator does not write: {string.Join(", ", extra)}");
    }

    [Fact]
    public void Package_CarriesTheBuildVersion_AndOneClassPerKind()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Sdk("package.json")));
        Assert.Equal(Repo.BuildVersion(), package.RootElement.GetProperty("version").GetString());
        Assert.Contains($"export const version = \"{Repo.BuildVersion()}\";", File.ReadAllText(Sdk("utilities.ts")));
        var index = File.ReadAllText(Sdk("index.ts"));
        foreach (var kind in Infra.Workloads.WorkloadKinds.All)
        {
            Assert.Contains($"export {{ {kind.Name}, {kind.Name}Args }}", index);
            var source = File.ReadAllText(Sdk(char.ToLowerInvariant(kind.Name[0]) + kind.Name[1..] + ".ts"));
            // Every schema output is a declared (never emitted) Output property, so ComponentResource's values stay.
            foreach (var output in kind.Outputs)
                Assert.Contains($"declare public readonly {output.Name}: pulumi.Output<", source);
            Assert.Contains("true /* remote */", source);
        }
    }

    [Fact]
    public void Package_BuildsStrict_AndPacksOffline()
    {
        Node.EnsureInstalled(Sdk());
        var (code, output) = Node.Run(Sdk(), Sdk("node_modules", ".bin", "tsc"), "-p", ".", "--strict", "--noEmit");
        Assert.True(code == 0, $"tsc --strict failed:\n{output}");
        var destination = Directory.CreateTempSubdirectory("multinode-sdk-pack-").FullName;
        try
        {
            (code, output) = Node.Run(Sdk(), "npm", "pack", "--offline", "--pack-destination", destination);
            Assert.True(code == 0, $"npm pack failed:\n{output}");
            var tarball = Path.Combine(destination, $"multinode-pulumi-multinode-{Repo.BuildVersion()}.tgz");
            Assert.True(File.Exists(tarball), $"npm pack wrote no {tarball}:\n{output}");
            var entries = new List<string>();
            using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry) entries.Add(entry.Name);
            }
            string[] shipped = ["package.json", "bin/index.js", "bin/index.d.ts", "bin/function.d.ts", "bin/provider.js"];
            foreach (var file in shipped)
                Assert.Contains($"package/{file}", entries);
        }
        finally
        {
            Directory.Delete(destination, recursive: true);
        }
    }
}
