using System.Diagnostics;
using System.Formats.Tar;

namespace Multinode.Infra.Cli;

/// <summary>
/// The folder a Node program runs in: its own on disk, or for <c>git:REV:path</c> the project folder as it was at REV,
/// extracted into a temporary folder (removed on dispose) whose <c>node_modules</c> links to the one the working tree's
/// <c>path</c> resolves (docs/cli.md, "Node programs": node_modules is not in git, so BASE runs with HEAD's packages).
/// </summary>
public sealed class NodeFolder(string dir, string? temporary = null, Func<string, string>? display = null) : IDisposable
{
    /// <summary>Most seconds <c>git archive</c> may take to write a project folder: a program's sources are
    /// small.</summary>
    public const int GitArchiveSeconds = 60;

    /// <summary>Where the program runs.</summary>
    public string Dir { get; } = Path.GetFullPath(dir);

    /// <summary>How a message names a file of the program: for git, <c>git:REV:path/index.ts</c>, not the temporary
    /// copy.</summary>
    public string Display(string file) => display?.Invoke(file) ?? file;

    /// <summary>The nearest <c>node_modules</c> holding @pulumi/pulumi from <paramref name="from"/> upwards, as Node
    /// resolves packages; null when there is none.</summary>
    public static string? PackagesFor(string from)
    {
        for (var d = new DirectoryInfo(Path.GetFullPath(from)); d is not null; d = d.Parent)
        {
            var modules = Path.Combine(d.FullName, "node_modules");
            if (Directory.Exists(Path.Combine(modules, "@pulumi", "pulumi"))) return modules;
        }
        return null;
    }

    public static NodeFolder FromGit(string rev, string folder)
    {
        var temporary = Directory.CreateTempSubdirectory("multinode-node-").FullName;
        try
        {
            var dir = Path.Combine(temporary, "program");
            Directory.CreateDirectory(dir);
            Extract(rev, folder, dir);
            if (PackagesFor(folder) is { } modules && !Directory.Exists(Path.Combine(dir, "node_modules")))
                Directory.CreateSymbolicLink(Path.Combine(dir, "node_modules"), modules);
            var prefix = dir + Path.DirectorySeparatorChar;
            return new NodeFolder(dir, temporary, file => file.StartsWith(prefix, StringComparison.Ordinal)
                ? $"git:{rev}:{Path.Combine(folder, file[prefix.Length..])}"
                : file);
        }
        catch
        {
            Remove(temporary);
            throw;
        }
    }

    /// <summary>The files under <paramref name="folder"/> at <paramref name="rev"/>, written into <paramref
    /// name="into"/>. Not retried: git reads the local repository, and a failure says why.</summary>
    private static void Extract(string rev, string folder, string into)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "archive", "--format=tar", $"{rev}:./{folder.Replace('\\', '/')}" })
            start.ArgumentList.Add(arg);
        Process git;
        try
        {
            git = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProgramLoadException($"git:{rev}:{folder}: git cannot be run: {e.Message}");
        }
        using (git)
        {
            var stderr = git.StandardError.ReadToEndAsync();
            var extracting = Task.Run(() =>
                TarFile.ExtractToDirectory(git.StandardOutput.BaseStream, into, overwriteFiles: true));
            if (!git.WaitForExit(TimeSpan.FromSeconds(GitArchiveSeconds)))
            {
                git.Kill(entireProcessTree: true);
                throw new ProgramLoadException(
                    $"git archive {rev}:{folder} did not finish within {GitArchiveSeconds} s");
            }
            try
            {
                extracting.GetAwaiter().GetResult();
            }
            catch (Exception e) when (git.ExitCode == 0 && e is InvalidDataException or IOException)
            {
                throw new ProgramLoadException($"git archive {rev}:{folder}: cannot be extracted: {e.Message}");
            }
            catch (Exception) when (git.ExitCode != 0)
            {
                // git's own message says why below.
            }
            if (git.ExitCode != 0)
                throw new ProgramLoadException($"git archive {rev}:{folder} failed: {stderr.Result.Trim()}");
        }
    }

    public void Dispose()
    {
        if (temporary is not null) Remove(temporary);
    }

    private static void Remove(string temporary)
    {
        // The node_modules link first, so that removing the copy never walks into the packages it links to.
        var link = Path.Combine(temporary, "program", "node_modules");
        try
        {
            if (new DirectoryInfo(link).LinkTarget is not null) Directory.Delete(link);
            Directory.Delete(temporary, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary folder left behind is not the command's failure.
        }
    }
}
