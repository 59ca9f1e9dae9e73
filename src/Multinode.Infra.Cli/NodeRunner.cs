using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Multinode.Infra.Values;

namespace Multinode.Infra.Cli;

/// <summary>What the recorder is asked to run: a Node program in preview, with its config as Pulumi passes
/// it.</summary>
public sealed record NodeRequest(string Dir, string Program, string Project, string Stack,
    IReadOnlyDictionary<string, string> Config, IReadOnlyList<string> SecretKeys, bool TypeScript, string? TsConfig);

/// <summary>
/// Runs node/recorder.js (shipped beside the CLI), which runs the program with @pulumi/pulumi's own runner against an
/// engine that records its registrations (docs/cli.md, "Node programs"). One attempt, no retry: a program that fails
/// fails the same way again. The deadline is <see cref="TimeoutVariable"/>'s seconds, default
/// <see cref="DefaultTimeoutSeconds"/>; the recorder ends the program then, and this process ends the recorder
/// <see cref="GraceSeconds"/> later if it has not.
/// </summary>
public static class NodeRunner
{
    /// <summary>Seconds a Node program may run before it is stopped: a TypeScript program's type check and start take
    /// 3 to 12 s on a loaded machine (docs/cli.md); two minutes leaves room for a large one.</summary>
    public const int DefaultTimeoutSeconds = 120;

    /// <summary>The environment variable that sets the timeout, in seconds.</summary>
    public const string TimeoutVariable = "MULTINODE_NODE_TIMEOUT";

    /// <summary>The environment variable naming the node executable (default: <c>node</c> on PATH).</summary>
    public const string NodeVariable = "MULTINODE_NODE";

    /// <summary>Seconds the recorder has, after the program's deadline, to stop it and report.</summary>
    public const int GraceSeconds = 15;

    /// <summary>The timeout in effect: <see cref="TimeoutVariable"/> when set, else the default.</summary>
    public static TimeSpan Timeout(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return TimeSpan.FromSeconds(DefaultTimeoutSeconds);
        if (double.TryParse(setting, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
            seconds > 0 && seconds <= 24 * 3600)
            return TimeSpan.FromSeconds(seconds);
        throw new ProgramLoadException(
            $"{TimeoutVariable} is {PropertyValue.QuoteShort(setting)}; " +
            "it must be a number of seconds from 0 (exclusive) to 86400");
    }

    /// <summary>Runs the program; the recorder's JSON report (see node/recorder.js).</summary>
    public static JsonDocument Run(NodeRequest request, TimeSpan timeout)
    {
        var recorder = Path.Combine(AppContext.BaseDirectory, "node", "recorder.js");
        if (!File.Exists(recorder))
            throw new InvalidOperationException($"{recorder} is missing from the CLI's installation");
        var node = Environment.GetEnvironmentVariable(NodeVariable) is { Length: > 0 } n ? n : "node";
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = request.Dir,
        };
        start.ArgumentList.Add(recorder);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProgramLoadException(
                $"{request.Dir}: runtime is \"nodejs\", but {node} cannot be run ({e.Message}); " +
                "install Node.js 20 or later " +
                $"(docs/sdk.md, Node versions) or name its executable in {NodeVariable}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using (var input = process.StandardInput)
                input.Write(JsonOutput.Write(w => Write(w, request, timeout)));
            if (!process.WaitForExit(timeout + TimeSpan.FromSeconds(GraceSeconds)))
            {
                process.Kill(entireProcessTree: true);
                throw TimedOut(request, timeout, "");
            }
            var text = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0 || text.Length == 0)
                throw new InvalidOperationException(
                    $"node/recorder.js exited with code {process.ExitCode}: {stderr.GetAwaiter().GetResult().Trim()}");
            return JsonDocument.Parse(text);
        }
    }

    internal static ProgramLoadException TimedOut(NodeRequest request, TimeSpan timeout, string registered) => new(
        $"{request.Dir}: the Node program did not finish within {timeout.TotalSeconds:0.###} s " +
        $"and was stopped{registered}. A Pulumi program must end once it has declared its resources " +
        "(no server, timer or open handle left running); " +
        $"if it only needs longer, set {TimeoutVariable} to more seconds", invalidProgram: true);

    private static void Write(Utf8JsonWriter w, NodeRequest request, TimeSpan timeout)
    {
        w.WriteStartObject();
        w.WriteString("dir", request.Dir);
        w.WriteString("program", request.Program);
        w.WriteString("project", request.Project);
        w.WriteString("stack", request.Stack);
        w.WriteStartObject("config");
        foreach (var (key, value) in request.Config) w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteStartArray("secretKeys");
        foreach (var key in request.SecretKeys) w.WriteStringValue(key);
        w.WriteEndArray();
        w.WriteBoolean("typescript", request.TypeScript);
        if (request.TsConfig is not null) w.WriteString("tsconfig", request.TsConfig);
        w.WriteNumber("timeoutMs", (long)timeout.TotalMilliseconds);
        w.WriteEndObject();
    }

    /// <summary>A config value as Pulumi hands it to a program (PULUMI_CONFIG): text as it is, anything else as JSON;
    /// an encrypted value, which only the stack's secrets provider can decrypt, as its ciphertext.</summary>
    public static string ConfigText(PropertyValue value) => value switch
    {
        SecretValue s => ConfigText(s.Value),
        StringValue s => s.Value,
        UnknownValue { Source: { Operation: "secure", Arguments: [StringValue cipher] } } => cipher.Value,
        UnknownValue => "",
        _ => value.ToJson(),
    };
}
