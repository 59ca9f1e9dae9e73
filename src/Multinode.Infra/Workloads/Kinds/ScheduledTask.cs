using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>One fresh worker per cron occurrence.</summary>
public sealed record ScheduledTaskWorkload(string Name, Container Container, ResourceRequest Resources,
    string Schedule, string TimeZone) : Workload(Name, Container, Resources), IRunsOnSchedule, IRunsToCompletion
{
    public override WorkloadKind Kind => ScheduledTaskKind.Instance;
    public override int MaxWorkers => 1;
}

/// <summary>The ScheduledTask kind.</summary>
public sealed class ScheduledTaskKind : WorkloadKind<ScheduledTaskWorkload>
{
    public static ScheduledTaskKind Instance { get; } = new();

    private ScheduledTaskKind() { }

    public override string Name => "ScheduledTask";

    public override string Description => "One fresh worker per scheduled run (cron, in timeZone), gone afterwards.";

    private static readonly TextInput<ScheduledTaskWorkload> Schedule = Text(
        new("schedule", InputType.String, "Cron expression of five numeric fields (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6 with 0 = Sunday; *, a-b, */s, a-b/s and lists), e.g. \"0 3 * * *\"; @yearly, @monthly, @weekly, @daily and @hourly are expanded to five fields. No L, W, #, ? or names: what both an Auto Scaling scheduled action and a Kubernetes CronJob accept.")
        {
            Required = true, Check = CronSchedule.Problem,
        },
        t => t.Schedule);

    private static readonly TextInput<ScheduledTaskWorkload> TimeZone = Text(
        new("timeZone", InputType.String, "IANA time zone the schedule is read in; a link such as \"US/Eastern\" is planned as its canonical zone (\"America/New_York\").") { Default = "UTC", Check = TimeZones.Problem },
        t => t.TimeZone);

    protected override IReadOnlyList<KindInput<ScheduledTaskWorkload>> Declare() => [Schedule, TimeZone];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children, WorkloadOutputs.Schedule];

    protected override ScheduledTaskWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, CronSchedule.Canonical(Schedule.Read(reader)), TimeZones.Canonical(TimeZone.Read(reader)));

    protected override IEnumerable<ValidationFailure> Warnings(InputReader reader, ScheduledTaskWorkload task)
    {
        var schedule = Schedule.Read(reader);
        if (schedule.Trim().StartsWith('@'))
            yield return new(task.Label, "schedule", $"schedule = {PropertyValue.Quote(schedule)} is planned as {PropertyValue.Quote(task.Schedule)} (the five-field form every target accepts)");
        if (CronSchedule.NeverFires(task.Schedule) is { } never)
            yield return new(task.Label, "schedule", $"schedule = {PropertyValue.Quote(task.Schedule)} {never}");
        var zone = TimeZone.Read(reader);
        if (zone != task.TimeZone)
            yield return new(task.Label, "timeZone", $"timeZone = {PropertyValue.Quote(zone)} is a link in the IANA time zone database; planned as its canonical zone {PropertyValue.Quote(task.TimeZone)}, the name every target accepts");
    }
}
