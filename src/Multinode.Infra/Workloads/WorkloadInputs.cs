using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>The declared inputs of every workload kind: what the validator checks and the schema publishes.</summary>
public static partial class WorkloadInputs
{
    /// <summary>What POSIX shells, Docker's --env and Kubernetes' container env all accept.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial System.Text.RegularExpressions.Regex EnvNamePattern();
    [System.Text.RegularExpressions.GeneratedRegex("^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$")]
    private static partial System.Text.RegularExpressions.Regex CertificateArn();

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
        new("timeoutSeconds", InputType.Integer, "Longest time one invocation, execution or run may take; scale-in waits at least this long for work in progress.")
        {
            Default = Container.DefaultTimeoutSeconds, Min = 1, Max = 86400,
        },
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

    public static IReadOnlyList<InputSpec> For(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Function =>
        [
            .. Common,
            new("maxWorkers", InputType.Integer, "Most workers at once.") { Default = 10, Min = 1, Max = 100 },
            new("spareWorkers", InputType.Integer, "Idle workers kept warm beyond the in-flight invocations (at most maxWorkers).") { Default = 0, Min = 0, Max = 100 },
            new("cooldownPeriod", InputType.Integer, "Seconds a worker stays after its last invocation before it may be scaled in.") { Default = 60, Min = 0, Max = 86400 },
            Port,
        ],
        WorkloadKind.Job =>
        [
            .. Common,
            new("maxConcurrency", InputType.Integer, "Most executions running at once; each gets a fresh worker.") { Default = 10, Min = 1, Max = 100 },
            Port,
        ],
        WorkloadKind.Service =>
        [
            .. Common,
            new("minReplicas", InputType.Integer, "Fewest replicas (at most maxReplicas).") { Default = 2, Min = 1, Max = 100 },
            new("maxReplicas", InputType.Integer, "Most replicas.") { Default = 10, Min = 1, Max = 100 },
            new("targetCpuUtilization", InputType.Number, "Average CPU utilisation (0.05 to 0.95) the replicas are scaled to hold.") { Default = 0.5, Min = 0.05, Max = 0.95 },
            Port,
            new("healthCheckPath", InputType.String, "HTTP path that answers 2xx when a replica is ready.")
            {
                Default = "/",
                Check = p => p.StartsWith('/') && p.Length <= 1024 && !p.Any(char.IsWhiteSpace) ? null : "must be a URL path starting with \"/\" without spaces",
            },
            new("certificateArn", InputType.String, "AWS only: ACM certificate for the load balancer. With it the Service is served over HTTPS on 443 (TLS 1.2/1.3 policy) and HTTP on 80 redirects there; without it the Service is plain HTTP on 80.")
            {
                PassThrough = true,
                Check = a => CertificateArn().IsMatch(a) ? null : "is not an ACM certificate ARN such as \"arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-...\"",
            },
        ],
        WorkloadKind.ScheduledTask =>
        [
            .. Common,
            new("schedule", InputType.String, "Cron expression of five numeric fields (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6 with 0 = Sunday; *, a-b, */s, a-b/s and lists), e.g. \"0 3 * * *\"; @yearly, @monthly, @weekly, @daily and @hourly are expanded to five fields. No L, W, #, ? or names: what both an Auto Scaling scheduled action and a Kubernetes CronJob accept.")
            {
                Required = true, Check = CronSchedule.Problem,
            },
            new("timeZone", InputType.String, "IANA time zone the schedule is read in; a link such as \"US/Eastern\" is planned as its canonical zone (\"America/New_York\").") { Default = "UTC", Check = TimeZones.Problem },
        ],
        WorkloadKind.Daemon => Common,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string? NotEmpty(string s) => s.Trim().Length == 0 ? "must not be empty" : null;
}
