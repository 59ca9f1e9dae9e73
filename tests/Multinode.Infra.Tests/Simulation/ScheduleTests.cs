using Multinode.Infra.Simulation;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>Schedules in their time zones, from the embedded tables only (docs/simulation.md, "Rules and their sources").</summary>
public class ScheduleTests
{
    [Fact]
    public void Occurrences_0230InBerlinOnTheSpringForwardNight_SkipsThatNightOnly()
    {
        // Europe/Berlin goes from CET (UTC+1) to CEST (UTC+2) at 02:00 local on Sunday 29 March 2026 (EU rule: the
        // last Sunday of March at 01:00 UTC), so 02:30 does not exist that night: 28 March 02:30 CET = 01:30 UTC,
        // none on the 29th, 30 March 02:30 CEST = 00:30 UTC.
        var occurrences = PlannedRunsModel.Occurrences(new PlannedSchedule("30 2 * * *", "Europe/Berlin", null), 3 * 86400,
            new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal([1 * 3600 + 1800, 2 * 86400 + 1800], occurrences);
    }

    [Fact]
    public void Occurrences_0230InBerlinOnTheFallBackNight_FiresOnceAndReadsLinks()
    {
        // 25 October 2026 03:00 CEST → 02:00 CET: 02:30 happens twice (00:30 and 01:30 UTC); it fires at the first.
        // A link is read as the zone it points at: "US/Eastern" is America/New_York, 02:30 EST = 07:30 UTC.
        var start = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([1800], PlannedRunsModel.Occurrences(new PlannedSchedule("30 2 * * *", "Europe/Berlin", null), 86400, start));
        Assert.Equal([7 * 3600 + 1800], PlannedRunsModel.Occurrences(new PlannedSchedule("30 2 * * *", "US/Eastern", null), 86400,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
