using System.Text.RegularExpressions;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>Turns a declaration (name, token, properties) into a workload, or into every failure it has.</summary>
public static partial class WorkloadReader
{
    public const int MaxNameLength = 40;

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    public static Result<Workload> Read(WorkloadKind kind, string name, PropertyMap properties)
    {
        var reader = new InputReader($"{kind} \"{name}\"");
        CheckName(reader, name);
        reader.Check(properties, WorkloadInputs.For(kind), owner: kind.ToString());
        CheckCrossRules(reader, kind);
        if (reader.Failures.Count > 0) return Result<Workload>.Fail(reader.Failures);

        // Env and tags are sorted by key: the engine's wire format does not keep a map's order, and the same
        // declaration must give the same plan whether it came from YAML or from a Construct request.
        var container = new Container(
            reader.Get("image")!,
            reader.Get("command"),
            reader.Get("args"),
            Sorted(reader.Map("env")),
            reader.Integer("timeoutSeconds")!.Value,
            Sorted(reader.Map("tags")),
            reader.Strings("instanceTypes"));
        var resources = new ResourceRequest(
            reader.Number("resources.cpu")!.Value,
            Memory.Parse(reader.String("resources.memory")!),
            reader.String("resources.gpu.type") is { } gpu
                ? new GpuRequest(GpuTypes.TryParse(gpu)!.Value, reader.Integer("resources.gpu.count")!.Value)
                : null);
        Workload workload = kind switch
        {
            WorkloadKind.Function => new FunctionWorkload(name, container, resources,
                reader.Integer("maxWorkers")!.Value, reader.Integer("spareWorkers")!.Value, reader.Integer("cooldownPeriod")!.Value),
            WorkloadKind.Job => new JobWorkload(name, container, resources, reader.Integer("maxConcurrency")!.Value),
            WorkloadKind.Service => new ServiceWorkload(name, container, resources,
                reader.Integer("minReplicas")!.Value, reader.Integer("maxReplicas")!.Value,
                reader.Number("targetCpuUtilization")!.Value, reader.Integer("port")!.Value, reader.String("healthCheckPath")!)
            {
                CertificateArn = reader.Get("certificateArn"),
            },
            WorkloadKind.ScheduledTask => new ScheduledTaskWorkload(name, container, resources,
                CronSchedule.Canonical(reader.String("schedule")!), TimeZones.Canonical(reader.String("timeZone")!)),
            WorkloadKind.Daemon => new DaemonWorkload(name, container, resources),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return Result<Workload>.Ok(workload) with { Warnings = Warnings(reader, workload).ToList() };
    }

    /// <summary>What is planned other than as written, or never runs.</summary>
    private static IEnumerable<ValidationFailure> Warnings(InputReader reader, Workload workload)
    {
        if (workload is not ScheduledTaskWorkload task) yield break;
        var schedule = reader.String("schedule")!;
        if (schedule.Trim().StartsWith('@'))
            yield return new(workload.Label, "schedule", $"schedule = {PropertyValue.Quote(schedule)} is planned as {PropertyValue.Quote(task.Schedule)} (Auto Scaling has no descriptors)");
        if (CronSchedule.NeverFires(task.Schedule) is { } never)
            yield return new(workload.Label, "schedule", $"schedule = {PropertyValue.Quote(task.Schedule)} {never}");
        var zone = reader.String("timeZone")!;
        if (zone != task.TimeZone)
            yield return new(workload.Label, "timeZone", $"timeZone = {PropertyValue.Quote(zone)} is a link in the IANA time zone database; planned as its canonical zone {PropertyValue.Quote(task.TimeZone)}, which AWS requires");
    }

    private static PropertyMap Sorted(PropertyMap map) => new(map.OrderBy(e => e.Key, StringComparer.Ordinal));

    private static void CheckName(InputReader reader, string name)
    {
        if (name.Length == 0)
            reader.Fail("name", "name must not be empty");
        else if (name.Length > MaxNameLength)
            reader.Fail("name", $"name = {PropertyValue.Quote(name)} is {name.Length} characters long, above the limit of {MaxNameLength}");
        else if (!NamePattern().IsMatch(name))
        {
            var fixedName = Regex.Replace(Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9-]+", "-"), "^[^a-z]+|-+$", "");
            reader.Fail("name", $"name = {PropertyValue.Quote(name)} must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit" +
                (fixedName.Length > 0 ? $" (e.g. {PropertyValue.Quote(fixedName)})" : ""));
        }
    }

    /// <summary>Rules that relate two inputs; checked only when both inputs are themselves valid.</summary>
    private static void CheckCrossRules(InputReader reader, WorkloadKind kind)
    {
        if (kind == WorkloadKind.Function &&
            reader.Integer("spareWorkers") is { } spare && reader.Integer("maxWorkers") is { } max && spare > max)
            reader.Fail("spareWorkers", $"spareWorkers = {spare} is above the limit of maxWorkers = {max}");
        if (kind == WorkloadKind.Service &&
            reader.Integer("minReplicas") is { } min && reader.Integer("maxReplicas") is { } maxR && min > maxR)
            reader.Fail("minReplicas", $"minReplicas = {min} is above the limit of maxReplicas = {maxR}");
    }
}
