using Multinode.Contracts;
using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>The inputs every workload kind shares (each kind adds its own in its definition under Kinds/): what the
/// validator checks and the schema publishes.</summary>
public static partial class WorkloadInputs
{
    /// <summary>What POSIX shells, Docker's --env and Kubernetes' container env all accept.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial System.Text.RegularExpressions.Regex EnvNamePattern();

    public static readonly IReadOnlyList<InputSpec> Resources =
    [
        new("cpu", InputType.Number, "vCPUs per worker.") { Default = 1, Min = 0.1, Max = 192 },
        new("memory", InputType.String, "Memory per worker, as a Kubernetes quantity (\"512Mi\", \"16Gi\") or \"16 GiB\".")
        {
            Default = "2Gi",
            Check = text => Memory.TryParse(text, out var error) is null ? error : null,
        },
        new("gpu", InputType.Object, "GPUs per worker; none when absent.")
        {
            Properties =
            [
                new("type", InputType.String, "GPU model. Aliases such as \"nvidia-tesla-t4\" or \"A100-80GB\" are accepted.")
                {
                    Required = true,
                    Check = text => GpuTypes.TryParse(text) is null ? $"is not a supported GPU type (allowed: {GpuTypes.AllowedList})" : null,
                },
                new("count", InputType.Integer, "GPUs per worker.") { Default = 1, Min = 1, Max = GpuRequest.MaxCount },
            ],
        },
    ];

    /// <summary>The longest timeoutSeconds of a kind that runs no worker: a day.</summary>
    public const int MaxTimeoutSeconds = WorkloadLimits.MaxDaySeconds;

    private static readonly InputSpec Timeout = new("timeoutSeconds", InputType.Integer,
        "Longest time one invocation, execution or run may take; scale-in waits at least this long for work in " +
        $"progress. At most {WorkerSettings.MaxTimeoutSeconds} for a Function or Job (SQS holds a message at most 12 " +
        "hours, and the worker keeps 300 s of that to reply and delete it).")
    {
        Default = WorkerSettings.Timeout.Default, Min = WorkerSettings.Timeout.Min, Max = MaxTimeoutSeconds,
    };

    /// <summary>timeoutSeconds of a kind that runs the worker (<see cref="IQueueWorkload"/>): within what the worker
    /// and its SQS queue accept.</summary>
    private static readonly InputSpec WorkerTimeout = Timeout with
    {
        Max = WorkerSettings.MaxTimeoutSeconds,
        MaxReason = WorkerSettings.MaxTimeoutReason,
    };

    /// <summary>The common inputs of a kind: <see cref="Common"/>, with the worker's timeout limit when the kind runs
    /// the worker.</summary>
    public static IReadOnlyList<InputSpec> CommonOf(bool runsWorker) =>
        runsWorker ? [.. Common.Select(i => i.Name == Timeout.Name ? WorkerTimeout : i)] : Common;

    public static readonly IReadOnlyList<InputSpec> Common =
    [
        new("image", InputType.String, "Container image the workers run.") { Required = true, PassThrough = true, Check = NotEmpty },
        new("command", InputType.StringArray, "Overrides the image's entrypoint.") { PassThrough = true },
        new("args", InputType.StringArray, "Arguments passed to the command.") { PassThrough = true },
        new("env", InputType.StringMap, "Environment variables of the workers. Secret values stay secret in every child resource.")
        {
            PassThrough = true,
            KeyCheck = name => EnvNamePattern().IsMatch(name) ? null
                : $"is not a valid environment variable name: use letters, digits and _, not starting with a digit ({EnvNamePattern()})",
        },
        new("resources", InputType.Object, "CPU, memory and GPUs of one worker.") { Properties = Resources },
        Timeout,
        new("tags", InputType.StringMap, "Tags (AWS) or labels (Kubernetes) put on every child resource.") { PassThrough = true },
        new("instanceTypes", InputType.StringArray, "AWS only: instance types to use instead of the cheapest catalog match; each must fit the request."),
    ];

    /// <summary>The port the user's container serves on: a Service's load balancer forwards there; a Function's or
    /// Job's worker sidecar posts each invocation to <c>/invoke</c> there (docs/worker.md).</summary>
    public static readonly InputSpec Port = new("port", InputType.Integer,
        "Port the container listens on: a Service's load balancer forwards there; a Function's or Job's worker posts each invocation to POST /invoke there.")
    {
        Default = 8080, Min = 1, Max = 65535,
    };

    private static string? NotEmpty(string s) => s.Trim().Length == 0 ? "must not be empty" : null;
}
