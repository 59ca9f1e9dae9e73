
namespace Multinode.Infra.Cli;

/// <summary>Where a program's files come from: a folder on disk, or a revision of a git repository.</summary>
public static partial class ProgramLoader
{
    /// <summary>Where a program's files come from: the project file's text and its siblings by name.</summary>
    private sealed record Source(string ProjectFile, string ProjectText, Func<string, string?> Read, Func<string, string> Describe,
        Func<NodeFolder> Folder);

    private static Source FileSource(string path)
    {
        var file = Directory.Exists(path) ? FindProjectFile(path) : path;
        if (!File.Exists(file))
            throw new ProgramLoadException($"{path}: no such file or folder (expected a Pulumi.yaml or a folder holding one)");
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return new Source(file, ReadFile(file)!, name => ReadFile(Path.Combine(folder, name)), name => Path.Combine(folder, name),
            () => new NodeFolder(folder));
    }

    private static string? ReadFile(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllText(file) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgramLoadException($"{file}: cannot be read: {e.Message}");
        }
    }

    private static Source GitSource(string spec)
    {
        var parts = spec.Split(':', 3);
        if (parts.Length != 3 || parts[1].Length == 0)
            throw new ProgramLoadException($"{spec}: expected git:REV:path, e.g. git:main:Pulumi.yaml");
        var (rev, path) = (parts[1], parts[2].Length == 0 ? "." : parts[2]);
        var isFile = path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);
        var folder = isFile ? Path.GetDirectoryName(path) is { Length: > 0 } d ? d : "." : path;
        var projectPath = isFile ? path : Path.Combine(folder, "Pulumi.yaml");
        string Name(string p) => $"git:{rev}:{p}";
        var text = GitShow(rev, projectPath);
        // A folder's project file may be Pulumi.yml, as on disk (FindProjectFile).
        if (text is null && !isFile && GitShow(rev, Path.Combine(folder, "Pulumi.yml")) is { } yml)
            (projectPath, text) = (Path.Combine(folder, "Pulumi.yml"), yml);
        if (text is null) throw new ProgramLoadException($"{Name(projectPath)}: no such file at that revision");
        return new Source(Name(projectPath), text, name => GitShow(rev, Path.Combine(folder, name)), name => Name(Path.Combine(folder, name)),
            () => NodeFolder.FromGit(rev, folder));
    }

    private static string? GitShow(string rev, string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "show", $"{rev}:./{path.Replace('\\', '/')}" }) start.ArgumentList.Add(arg);
        try
        {
            using var git = System.Diagnostics.Process.Start(start)!;
            var stderr = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode == 0) return output;
            var error = stderr.Result;
            if (error.Contains("does not exist", StringComparison.Ordinal) || error.Contains("exists on disk, but not in", StringComparison.Ordinal))
                return null;
            throw new ProgramLoadException($"git show {rev}:{path} failed: {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProgramLoadException($"git:{rev}:{path}: git cannot be run: {e.Message}");
        }
    }

    private static string FindProjectFile(string folder)
    {
        foreach (var name in new[] { "Pulumi.yaml", "Pulumi.yml" })
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new ProgramLoadException($"{folder}: no Pulumi.yaml in this folder");
    }
}
