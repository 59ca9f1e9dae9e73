using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

public sealed class WorkloadReaderTests
{
    /// <summary>Kind, name, properties (YAML flow mapping), and the exact messages, in order.</summary>
    private const string WorkerTimeoutWhy = "a Function's or Job's worker holds its SQS message while it works, and " +
        "SQS holds a message at most 12 hours (43200 s) from its receipt, 300 s of which the worker keeps to reply and " +
        "delete it";

    public static TheoryData<string, string, string, string[]> InvalidCases() => new()
    {
        // Missing required inputs
        { "Function", "square", "{}", ["Function \"square\": image is required"] },
        { "ScheduledTask", "nightly", "{ image: app }", ["ScheduledTask \"nightly\": schedule is required"] },
        { "Function", "square", "{ image: app, resources: { gpu: { count: 2 } } }", ["Function \"square\": resources.gpu.type is required"] },
        // Wrong types
        { "Function", "square", "{ image: 5 }", ["Function \"square\": image = 5 must be a string"] },
        { "Function", "square", "{ image: \"\" }", ["Function \"square\": image = \"\" must not be empty"] },
        { "Function", "square", "{ image: app, maxWorkers: ten }", ["Function \"square\": maxWorkers = \"ten\" must be a whole number from 1 to 100"] },
        { "Function", "square", "{ image: app, maxWorkers: \"10\" }", ["Function \"square\": maxWorkers = \"10\" must be a whole number from 1 to 100"] },
        { "Function", "square", "{ image: app, command: /bin/run }", ["Function \"square\": command = \"/bin/run\" must be a list of strings"] },
        { "Function", "square", "{ image: app, args: [--fast, 3] }", ["Function \"square\": args[1] = 3 must be a string"] },
        { "Function", "square", "{ image: app, env: { PORT: 8080 } }", ["Function \"square\": env.PORT = 8080 must be a string (quote it: \"8080\")"] },
        { "Function", "square", "{ image: app, env: { 1BAD: x, MY-VAR: y, OK_1: z } }",
            ["Function \"square\": env: the name \"1BAD\" is not a valid environment variable name: use letters, digits and _, not starting with a digit (^[A-Za-z_][A-Za-z0-9_]*$)",
             "Function \"square\": env: the name \"MY-VAR\" is not a valid environment variable name: use letters, digits and _, not starting with a digit (^[A-Za-z_][A-Za-z0-9_]*$)"] },
        { "Function", "square", "{ image: app, resources: { memory: 99999999999999999999Ti } }", ["Function \"square\": resources.memory = \"99999999999999999999Ti\" is above the limit of 4Ti"] },
        { "Function", "square", "{ image: app, env: [A, B] }", ["Function \"square\": env = [\"A\",\"B\"] must be a map of strings"] },
        { "Function", "square", "{ image: app, resources: 4 }", ["Function \"square\": resources = 4 must be an object"] },
        { "Function", "square", "{ image: app, resources: { cpu: two } }", ["Function \"square\": resources.cpu = \"two\" must be a number from 0.1 to 192"] },
        { "Function", "square", "{ image: app, tags: { team: true } }", ["Function \"square\": tags.team = true must be a string (quote it: \"true\")"] },
        // Unknown properties, with and without a suggestion
        { "Function", "square", "{ image: app, maxWorker: 3 }", ["Function \"square\": maxWorker is not a property of Function; did you mean maxWorkers?"] },
        { "Service", "api", "{ image: app, healthcheckPath: /hz }", ["Service \"api\": healthcheckPath is not a property of Service; did you mean healthCheckPath?"] },
        { "Daemon", "d", "{ image: app, colour: blue }", ["Daemon \"d\": colour is not a property of Daemon (allowed: image, command, args, env, resources, timeoutSeconds, tags, instanceTypes)"] },
        { "Function", "square", "{ image: app, resources: { memroy: 1Gi } }", ["Function \"square\": resources.memroy is not a property of resources; did you mean memory?"] },
        { "Job", "j", "{ image: app, maxConcurency: 3 }", ["Job \"j\": maxConcurency is not a property of Job; did you mean maxConcurrency?"] },
        // Numbers: NaN, infinite, negative, fractional, huge
        { "Function", "square", "{ image: app, maxWorkers: .nan }", ["Function \"square\": maxWorkers = NaN must be a whole number from 1 to 100"] },
        { "Function", "square", "{ image: app, maxWorkers: .inf }", ["Function \"square\": maxWorkers = Infinity must be a whole number from 1 to 100"] },
        { "Function", "square", "{ image: app, resources: { cpu: -.inf } }", ["Function \"square\": resources.cpu = -Infinity must be a number from 0.1 to 192"] },
        { "Function", "square", "{ image: app, spareWorkers: -1 }", ["Function \"square\": spareWorkers = -1 is below the minimum of 0"] },
        { "Function", "square", "{ image: app, maxWorkers: 2.5 }", ["Function \"square\": maxWorkers = 2.5 must be a whole number from 1 to 100"] },
        { "Function", "square", "{ image: app, maxWorkers: 150 }", ["Function \"square\": maxWorkers = 150 is above the limit of 100"] },
        { "Function", "square", "{ image: app, maxWorkers: 1e300 }", ["Function \"square\": maxWorkers = 1E+300 is above the limit of 100"] },
        { "Function", "square", "{ image: app, cooldownPeriod: 100000 }", ["Function \"square\": cooldownPeriod = 100000 is above the limit of 86400"] },
        { "Function", "square", "{ image: app, timeoutSeconds: 0 }", ["Function \"square\": timeoutSeconds = 0 is below the minimum of 1"] },
        // SQS holds a message at most 12 hours (43200 s) from its receipt (SQS API Reference, ChangeMessageVisibility);
        // the worker keeps 300 s of that to reply and delete: 42900 is the longest invocation of a worker kind.
        { "Function", "square", "{ image: app, timeoutSeconds: 42901 }",
            ["Function \"square\": timeoutSeconds = 42901 is above the limit of 42900: " + WorkerTimeoutWhy] },
        { "Job", "j", "{ image: app, timeoutSeconds: 86400 }",
            ["Job \"j\": timeoutSeconds = 86400 is above the limit of 42900: " + WorkerTimeoutWhy] },
        { "ScheduledTask", "t", "{ image: app, schedule: \"0 3 * * *\", timeoutSeconds: 86401 }",
            ["ScheduledTask \"t\": timeoutSeconds = 86401 is above the limit of 86400"] },
        { "Function", "square", "{ image: app, resources: { cpu: 0 } }", ["Function \"square\": resources.cpu = 0 is below the minimum of 0.1"] },
        { "Function", "square", "{ image: app, resources: { cpu: 500 } }", ["Function \"square\": resources.cpu = 500 is above the limit of 192"] },
        { "Job", "j", "{ image: app, maxConcurrency: 0 }", ["Job \"j\": maxConcurrency = 0 is below the minimum of 1"] },
        { "Job", "j", "{ image: app, port: 0 }", ["Job \"j\": port = 0 is below the minimum of 1"] },
        { "Function", "square", "{ image: app, port: 65536 }", ["Function \"square\": port = 65536 is above the limit of 65535"] },
        { "Service", "api", "{ image: app, port: 70000 }", ["Service \"api\": port = 70000 is above the limit of 65535"] },
        { "Service", "api", "{ image: app, targetCpuUtilization: 1.5 }", ["Service \"api\": targetCpuUtilization = 1.5 is above the limit of 0.95"] },
        { "Service", "api", "{ image: app, targetCpuUtilization: 0.01 }", ["Service \"api\": targetCpuUtilization = 0.01 is below the minimum of 0.05"] },
        { "Service", "api", "{ image: app, healthCheckPath: healthz }", ["Service \"api\": healthCheckPath = \"healthz\" must be a URL path starting with \"/\" without spaces"] },
        // Memory quantities
        { "Function", "square", "{ image: app, resources: { memory: lots } }", ["Function \"square\": resources.memory = \"lots\" is not a memory quantity such as \"512Mi\", \"16Gi\" or \"16 GiB\""] },
        { "Function", "square", "{ image: app, resources: { memory: 16Gb } }", ["Function \"square\": resources.memory = \"16Gb\" has an unknown unit \"Gb\" (use Mi, Gi, MiB, GiB, M or G)"] },
        { "Function", "square", "{ image: app, resources: { memory: 100Ti } }", ["Function \"square\": resources.memory = \"100Ti\" is above the limit of 4Ti"] },
        { "Function", "square", "{ image: app, resources: { memory: 512 } }", ["Function \"square\": resources.memory = 512 must be a string"] },
        // Cross-field rules
        { "Function", "square", "{ image: app, maxWorkers: 10, spareWorkers: 12 }", ["Function \"square\": spareWorkers = 12 is above the limit of maxWorkers = 10"] },
        { "Service", "api", "{ image: app, minReplicas: 5, maxReplicas: 3 }", ["Service \"api\": minReplicas = 5 is above the limit of maxReplicas = 3"] },
        // Cron and time zones
        { "ScheduledTask", "nightly", "{ image: app, schedule: \"61 * * * *\" }", ["ScheduledTask \"nightly\": schedule = \"61 * * * *\" has 61 in its minute field, outside 0-59 (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\""] },
        { "ScheduledTask", "nightly", "{ image: app, schedule: \"0 3 L * *\" }", ["ScheduledTask \"nightly\": schedule = \"0 3 L * *\" uses \"L\" in its day-of-month field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)"] },
        { "ScheduledTask", "nightly", "{ image: app, schedule: \"every day\" }", ["ScheduledTask \"nightly\": schedule = \"every day\" is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\""] },
        { "ScheduledTask", "nightly", "{ image: app, schedule: \"0 3 * * *\", timeZone: Mars/Olympus }", ["ScheduledTask \"nightly\": timeZone = \"Mars/Olympus\" is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\""] },
        // GPUs
        { "Function", "square", "{ image: app, resources: { gpu: { type: rtx4090 } } }", ["Function \"square\": resources.gpu.type = \"rtx4090\" is not a supported GPU type (allowed: t4, a10g, l4, l40s, v100, a100, a100-80gb, h100, h200)"] },
        { "Function", "square", "{ image: app, resources: { gpu: { type: t4, count: 9 } } }", ["Function \"square\": resources.gpu.count = 9 is above the limit of 8"] },
        { "Function", "square", "{ image: app, resources: { gpu: { type: t4, count: 0 } } }", ["Function \"square\": resources.gpu.count = 0 is below the minimum of 1"] },
        // Shape inputs must be known and plain
        { "Function", "square", "{ image: app, maxWorkers: \"${config.max}\" }", ["Function \"square\": maxWorkers is not known until deployment, but it decides the shape of the plan; give it a literal value"] },
        { "Function", "square", "{ image: app, maxWorkers: { \"fn::secret\": 3 } }", ["Function \"square\": maxWorkers is a secret, but it decides the shape of the plan and cannot be one (pass it as a plain value)"] },
        // Several problems at once, in input order
        {
            "Function", "square", "{ maxWorkers: 150, spareWorkers: -2, resources: { gpu: { type: tpu } } }",
            [
                "Function \"square\": image is required",
                "Function \"square\": resources.gpu.type = \"tpu\" is not a supported GPU type (allowed: t4, a10g, l4, l40s, v100, a100, a100-80gb, h100, h200)",
                "Function \"square\": maxWorkers = 150 is above the limit of 100",
                "Function \"square\": spareWorkers = -2 is below the minimum of 0",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Read_InvalidInput_GivesEveryExactMessage(string kind, string name, string yaml, string[] expected)
    {
        var result = WorkloadReader.Read(KindRegistry.Default.Named(kind), name, Yaml.Map(yaml));
        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Failures.Select(f => f.ToString()));
    }

    [Theory]
    [InlineData("", "Function \"\": name must not be empty")]
    [InlineData("a-very-long-function-name-that-goes-on-and-on", "Function \"a-very-long-function-name-that-goes-on-and-on\": name = \"a-very-long-function-name-that-goes-on-and-on\" is 45 characters long, above the limit of 40")]
    [InlineData("Square_Fn", "Function \"Square_Fn\": name = \"Square_Fn\" must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. \"square-fn\")")]
    [InlineData("9lives", "Function \"9lives\": name = \"9lives\" must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (e.g. \"lives\")")]
    public void Read_BadName_SaysWhatNamesMayBe(string name, string expected)
    {
        var result = WorkloadReader.Read(FunctionKind.Instance, name, Yaml.Map("{ image: app }"));
        Assert.Equal([expected], result.Failures.Select(f => f.ToString()));
    }

    [Theory]
    [InlineData("Function", "{ image: app, timeoutSeconds: 42900 }")]
    [InlineData("Job", "{ image: app, timeoutSeconds: 42900 }")]
    [InlineData("Service", "{ image: app, timeoutSeconds: 86400 }")]
    [InlineData("ScheduledTask", "{ image: app, schedule: \"0 3 * * *\", timeoutSeconds: 86400 }")]
    [InlineData("Daemon", "{ image: app, timeoutSeconds: 86400 }")]
    public void Read_TimeoutAtItsKindsLimit_IsValid(string kind, string yaml)
    {
        var result = WorkloadReader.Read(KindRegistry.Default.Named(kind), "w", Yaml.Map(yaml));
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
    }

    [Fact]
    public void Read_Minimal_FillsEveryDefault()
    {
        var result = WorkloadReader.Read(FunctionKind.Instance, "square", Yaml.Map("{ image: app }"));
        var function = Assert.IsType<FunctionWorkload>(result.Value);
        Assert.Equal((10, 0, 60, 8080), (function.MaxWorkers, function.SpareWorkers, function.CooldownPeriod, function.Port));
        Assert.Equal(ResourceRequest.Default, function.Resources);
        Assert.Equal(300, function.Container.TimeoutSeconds);
    }

    [Fact]
    public void Read_JobPort_DefaultsTo8080AndKeepsAGivenOne()
    {
        Assert.Equal(8080, Assert.IsType<JobWorkload>(WorkloadReader.Read(JobKind.Instance, "j", Yaml.Map("{ image: app }")).Value).Port);
        Assert.Equal(9000, Assert.IsType<JobWorkload>(WorkloadReader.Read(JobKind.Instance, "j", Yaml.Map("{ image: app, port: 9000 }")).Value).Port);
    }

    [Fact]
    public void Read_Service_FillsDefaults()
    {
        var service = Assert.IsType<ServiceWorkload>(WorkloadReader.Read(ServiceKind.Instance, "api", Yaml.Map("{ image: app }")).Value);
        Assert.Equal((2, 10, 0.5, 8080, "/"), (service.MinReplicas, service.MaxReplicas, service.TargetCpuUtilization, service.Port, service.HealthCheckPath));
    }

    [Fact]
    public void Read_ScheduledTask_DefaultsToUtc()
    {
        var task = Assert.IsType<ScheduledTaskWorkload>(WorkloadReader.Read(ScheduledTaskKind.Instance, "n", Yaml.Map("{ image: app, schedule: \"0 3 * * *\" }")).Value);
        Assert.Equal(("0 3 * * *", "UTC"), (task.Schedule, task.TimeZone));
    }

    [Fact]
    public void Read_ScheduledTaskWithMacroAndLink_PlansCanonicalFormsWithWarnings()
    {
        var result = WorkloadReader.Read(ScheduledTaskKind.Instance, "n", Yaml.Map("{ image: app, schedule: \"@daily\", timeZone: US/Eastern }"));
        var task = Assert.IsType<ScheduledTaskWorkload>(result.Value);
        Assert.Equal(("0 0 * * *", "America/New_York"), (task.Schedule, task.TimeZone));
        Assert.Equal(
        [
            """ScheduledTask "n": schedule = "@daily" is planned as "0 0 * * *" (the five-field form every target accepts)""",
            """ScheduledTask "n": timeZone = "US/Eastern" is a link in the IANA time zone database; planned as its canonical zone "America/New_York", the name every target accepts""",
        ], result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Read_ScheduledTaskThatNeverFires_IsValidWithAWarning()
    {
        var result = WorkloadReader.Read(ScheduledTaskKind.Instance, "n", Yaml.Map("{ image: app, schedule: \"0 3 31 2 *\" }"));
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("schedule", """ScheduledTask "n": schedule = "0 3 31 2 *" never fires: no month in "2" has day 31"""), (warning.Path, warning.ToString()));
    }

    [Fact]
    public void Read_PlainScheduledTask_HasNoWarnings() =>
        Assert.Empty(WorkloadReader.Read(ScheduledTaskKind.Instance, "n", Yaml.Map("{ image: app, schedule: \"0 3 * * *\", timeZone: Europe/Berlin }")).Warnings);

    [Theory]
    [InlineData("nvidia-tesla-t4", GpuType.T4)]
    [InlineData("A100-80GB", GpuType.A100_80GB)]
    [InlineData("H100", GpuType.H100)]
    [InlineData("NVIDIA L40S", GpuType.L40S)]
    [InlineData("a10g", GpuType.A10G)]
    public void Read_GpuAlias_NormalisesToCanonicalType(string alias, GpuType expected)
    {
        var result = WorkloadReader.Read(JobKind.Instance, "j", Yaml.Map($"{{ image: app, resources: {{ gpu: {{ type: \"{alias}\" }} }} }}"));
        Assert.Equal(new GpuRequest(expected, 1), result.Value!.Resources.Gpu);
    }

    [Fact]
    public void Read_PassThroughInputs_MayBeUnknownOrSecret()
    {
        var result = WorkloadReader.Read(DaemonKind.Instance, "d", Yaml.Map(
            "{ image: \"${repo.url}:latest\", env: { TOKEN: { \"fn::secret\": s3cr3t }, URL: \"${db.url}\" } }"));
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal(PropertyValue.Unknown, result.Value!.Container.Image);
        Assert.Equal(PropertyValue.Secret("s3cr3t"), result.Value.Container.Env["TOKEN"]);
        Assert.Equal(PropertyValue.Unknown, result.Value.Container.Env["URL"]);
    }

    private static IReadOnlyList<string> Failures(WorkloadKind kind, PropertyMap properties) =>
        [.. WorkloadReader.Read(kind, "w", properties).Failures.Select(f => f.ToString())];

    [Fact]
    public void Read_SecretsOfTheWrongShape_AreShownAsSecretAtAnyDepth()
    {
        var failures = Failures(DaemonKind.Instance, new PropertyMap(
            ("image", PropertyValue.Secret(5)),
            ("command", PropertyValue.Secret(new PropertyMap(("tok", "s3cr3t-command")))),
            ("args", PropertyValue.Secret("s3cr3t-args")),
            ("env", PropertyValue.Secret("s3cr3t-env")),
            ("tags", PropertyValue.Secret(PropertyValue.From([PropertyValue.From("s3cr3t-tag")])))));
        Assert.Equal(
        [
            "Daemon \"w\": image = [secret] must be a string",
            "Daemon \"w\": command = [secret] must be a list of strings",
            "Daemon \"w\": args = [secret] must be a list of strings",
            "Daemon \"w\": env = [secret] must be a map of strings",
            "Daemon \"w\": tags = [secret] must be a map of strings",
        ], failures);
    }

    [Fact]
    public void Read_SecretInsideAList_IsShownAsSecret()
    {
        var failures = Failures(DaemonKind.Instance, new PropertyMap(("image", "app"),
            ("args", PropertyValue.From([PropertyValue.Secret(new PropertyMap(("k", "s3cr3t")))]))));
        Assert.Equal(["Daemon \"w\": args[0] = [secret] must be a string"], failures);
    }

    [Fact]
    public void Read_NullObject_IsReadAsAbsent()
    {
        var workload = WorkloadReader.Read(FunctionKind.Instance, "w", new PropertyMap(("image", "app"), ("resources", PropertyValue.Null))).Value!;
        Assert.Equal(ResourceRequest.Default, workload.Resources);
    }

    [Theory]
    [InlineData("99999999999999999999999999999999Gi")]
    [InlineData("79228162514264337593543950335Ti")]
    public void Read_OverflowingMemory_IsAboveTheLimit(string memory) =>
        Assert.Equal([$"Function \"w\": resources.memory = \"{memory}\" is above the limit of 4Ti"],
            Failures(FunctionKind.Instance, new PropertyMap(("image", "app"), ("resources", new PropertyMap(("memory", memory))))));

    [Fact]
    public void Read_LongValues_AreQuotedShortWithTheirLength()
    {
        var failures = Failures(ScheduledTaskKind.Instance, new PropertyMap(("image", "app"), ("schedule", "0 3 * * *"),
            ("timeZone", new string('z', 30000))));
        Assert.Equal([$"ScheduledTask \"w\": timeZone = \"{new string('z', 100)}\"… (30000 characters) is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\""],
            failures);
        var name = WorkloadReader.Read(FunctionKind.Instance, new string('n', 30000), new PropertyMap(("image", "app"))).Failures.Single().ToString();
        Assert.True(name.Length < 400, name);
    }

    [Fact]
    public void Read_ControlCharactersInEnvNamesAndTags_AreRefused()
    {
        var failures = Failures(DaemonKind.Instance, new PropertyMap(("image", "app"),
            ("env", new PropertyMap(("\u0001multinode:0", "x"))),
            ("tags", new PropertyMap(("team", "a\u0007b")))));
        Assert.Equal(
        [
            "Daemon \"w\": env: the name \"\\u0001multinode:0\" is not a valid environment variable name: use letters, digits and _, not starting with a digit (^[A-Za-z_][A-Za-z0-9_]*$)",
            "Daemon \"w\": tags.team = \"a\\u0007b\" contains a control character, which tags and labels may not hold",
        ], failures);
    }

    [Fact]
    public void InvalidCases_AreAtLeastFortyDistinct() =>
        Assert.True(InvalidCases().Select(c => (string)c[2]).Distinct().Count() >= 40);
}
