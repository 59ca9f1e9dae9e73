using System.Diagnostics;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Cli.Tests;

/// <summary>Runs the CLI in-process against a temporary folder that is removed afterwards.</summary>
public abstract class CliFixture : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("multinode-cli-").FullName;

    /// <summary>Runs git in <see cref="Dir"/>, failing the test with git's error; returns its output, trimmed.</summary>
    protected string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var stderr = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {stderr.Result}");
        return output.Trim();
    }

    /// <summary>Makes <see cref="Dir"/> a git repository with a committer.</summary>
    protected void GitInit()
    {
        Git("init", "-q");
        Git("config", "user.email", "t@example.com");
        Git("config", "user.name", "t");
    }

    /// <summary>Runs the built `multinode` as a process in <paramref name="folder"/>: what a user's shell does, for
    /// commands that depend on the current folder (git:REV:path).</summary>
    protected static (int Code, string Out, string Err) RunIn(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", typeof(Multinode.Infra.Cli.Cli).Assembly.Location }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);
}

/// <summary>Runs the `multinode` command in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Multinode.Infra.Cli.Cli.Run(args, stdout, stderr, KindRegistry.Default);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
