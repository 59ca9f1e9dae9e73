using Multinode.Infra.Planning;
using Multinode.Infra.Workloads;
using NodaTime;

namespace Multinode.Infra.Simulation;

/// <summary>A ScheduledTask's planned schedule: the Auto Scaling scheduled action's <c>recurrence</c> and
/// <c>timeZone</c>, or the CronJob's <c>schedule</c>, <c>timeZone</c> and its Jobs' <c>activeDeadlineSeconds</c>.</summary>
public sealed record PlannedSchedule(string Cron, string TimeZone, int? ActiveDeadlineSeconds);

/// <summary>How a target runs planned runs: how long a worker takes to start, how long after its time a run is asked
/// for, and the mechanisms in words.</summary>
internal sealed record RunPlatform(int StartSeconds, int ActionDelaySeconds, string Fixed, string Scheduled, string Ending, string ScaleOut);

/// <summary>
/// ScheduledTask and Daemon: no autoscaling and no trace. A Daemon's one worker is desired from the start and runs once
/// booted. A ScheduledTask's runs start at the planned schedule's occurrences (counted from <see cref="PlatformParameters.Start"/>
/// in the schedule's time zone) and last <see cref="PlatformParameters.TaskRunSeconds"/>; a run never starts beside
/// another (AWS: desired is already 1; Kubernetes: concurrencyPolicy Forbid), and on Kubernetes the Job is ended at
/// its activeDeadlineSeconds, counted from its creation.
/// </summary>
internal sealed class PlannedRunsModel : PlatformModel
{
    private readonly RunPlatform _platform;
    private readonly int _run;
    private readonly int? _deadline;
    private readonly HashSet<int> _occurrences;
    private readonly string _mechanism;
    private int _endAt;

    public PlannedRunsModel(Signals signals, WorkerPool pool, RunPlatform platform, PlatformParameters p, IReadOnlyList<int>? occurrences, int run, int? deadline)
        : base(signals, pool, platform.StartSeconds, p.InvocationSeconds)
    {
        _platform = platform;
        _run = run;
        _deadline = deadline;
        _occurrences = occurrences is null ? [] : [.. occurrences.Select(o => o + platform.ActionDelaySeconds)];
        _mechanism = occurrences is null ? platform.Fixed : platform.Scheduled;
        OneProcess = occurrences is null;
    }

    /// <summary>The model of a planned workload that does not scale with load: a Daemon's one worker, or a
    /// ScheduledTask's runs at <paramref name="schedule"/>'s occurrences.</summary>
    public static (PlatformModel Model, WorkerPool Pool) For(WorkloadPlan plan, Signals signals, PlatformParameters p,
        RunPlatform platform, PlannedSchedule? schedule)
    {
        var pool = new WorkerPool(0);
        return schedule is null
            ? (new PlannedRunsModel(signals, pool, platform, p, null, 0, null), pool)
            : (new PlannedRunsModel(signals, pool, platform, p, Occurrences(schedule, signals.Length, p.Start),
                RunSeconds(plan.Workload, p), schedule.ActiveDeadlineSeconds), pool);
    }

    /// <summary>Seconds one run takes: --task-run, else the plan's timeoutSeconds.</summary>
    public static int RunSeconds(Workload w, PlatformParameters p) => p.TaskRunSeconds > 0 ? p.TaskRunSeconds : w.Container.TimeoutSeconds;

    private bool OneProcess { get; }

    public override string ScaleOutDelay => _platform.ScaleOut;

    public override string ScaleInDelay => "the run lasts its full length";

    public override void Decide(int t)
    {
        if (OneProcess)
        {
            Set(t, 1, _mechanism);
        }
        else
        {
            if (Desired == 1 && t >= _endAt) Set(t, 0, _platform.Ending);
            if (_occurrences.Contains(t) && Desired == 0)
            {
                Set(t, 1, _mechanism);
                var ends = t + StartSeconds + _run;
                _endAt = _deadline is { } d ? Math.Min(ends, t + d) : ends;
            }
        }
        Reconcile(t, _ => true);
    }

    public override void Serve(int t) => S.Unserved[t] = Math.Max(0, S.Demand[t] - Pool.Ready(t));

    /// <summary>The seconds of [0, <paramref name="length"/>) at which the schedule fires, counted from
    /// <paramref name="start"/> in the schedule's time zone. The zone's rules are NodaTime's embedded tzdb (the name
    /// read through the embedded table validation uses), never the machine's tzdata. A wall-clock time that a
    /// spring-forward skips does not fire that day; one that a fall-back repeats fires once, at its first occurrence.</summary>
    public static List<int> Occurrences(PlannedSchedule schedule, int length, DateTimeOffset start)
    {
        var name = TimeZones.Canonical(schedule.TimeZone);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(name) ?? throw new InvalidOperationException(
            $"time zone \"{schedule.TimeZone}\" has no rules in the embedded tzdb {DateTimeZoneProviders.Tzdb.VersionId}");
        var cron = CronSchedule.Canonical(schedule.Cron);
        var origin = Instant.FromDateTimeOffset(start);
        var result = new List<int>();
        DateTime? last = null;
        // Whole minutes of the schedule's clock: the first minute boundary at or after the start.
        for (var t = (60 - (int)(start.ToUnixTimeSeconds() % 60)) % 60; t < length; t += 60)
        {
            var local = origin.Plus(Duration.FromSeconds(t)).InZone(zone).LocalDateTime.ToDateTimeUnspecified();
            if (last is { } l && local <= l) continue;
            if (!CronSchedule.Fires(cron, local)) continue;
            result.Add(t);
            last = local;
        }
        return result;
    }
}
