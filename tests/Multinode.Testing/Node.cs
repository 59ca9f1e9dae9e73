using System.Diagnostics;
using Xunit;

namespace Multinode.Testing;

/// <summary>Runs Node tooling for tests; installs a node project's locked packages once when missing.</summary>
public static class Node
{
    private static readonly Lock Gate = new();

    public static (int ExitCode, string Output) Run(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{file} {string.Join(' ', args)} did not end within 5 minutes\n{stdout}");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>`npm ci --ignore-scripts` (the SDKs' install scripts try to download plugins) unless the
    /// installed tree already matches the lock file.</summary>
    public static void EnsureInstalled(string project)
    {
        lock (Gate)
        {
            var marker = Path.Combine(project, "node_modules", ".package-lock.json");
            if (File.Exists(marker) &&
                File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(Path.Combine(project, "package-lock.json")))
                return;
            var (code, output) = Run(project, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund");
            Assert.True(code == 0, $"npm ci in {project} failed:\n{output}");
        }
    }
}
