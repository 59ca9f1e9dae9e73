using System.Diagnostics;
using System.Text;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>The build configuration, so tests find the CLI built beside them.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ConfigurationAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A child process with captured output, killed on dispose.</summary>
public sealed class Child : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _lock = new();

    public Child(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root(),
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // A clean slate: nothing from the developer's shell leaks into the worker's configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MULTINODE_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in env ?? new Dictionary<string, string?>()) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lock) _output.AppendLine(line);
    }

    public string Output
    {
        get { lock (_lock) return _output.ToString(); }
    }

    public int Id => _process.Id;

    public bool Exited => _process.HasExited;

    public async Task<int> WaitAsync(TimeSpan limit)
    {
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process {_process.StartInfo.FileName} did not exit within {limit}; output:\n{Output}");
        }
        return _process.ExitCode;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"no '{text}' within {limit}; output:\n{Output}");
            if (_process.HasExited) throw new InvalidOperationException($"exited ({_process.ExitCode}) before '{text}'; output:\n{Output}");
            await Task.Delay(20);
        }
    }

    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed");
    }

    public const int SigKill = 9, SigTerm = 15;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
