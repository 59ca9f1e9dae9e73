using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Workloads;

public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("*/15 * * * *")]
    [InlineData("0 9-17/2 * * 1-5")]
    [InlineData("30 0 1 1,6,12 *")]
    [InlineData("0 0 29 2 *")]
    [InlineData("5,10-20/5 0 * * 0,6")]
    [InlineData("  0   3 * * *  ")]
    [InlineData("@daily")]
    [InlineData("@HOURLY")]
    public void Problem_BothPlatformsAccept_IsNull(string schedule) => Assert.Null(CronSchedule.Problem(schedule));

    [Theory]
    [InlineData("0 3 L * *", "uses \"L\" in its day-of-month field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)")]
    [InlineData("0 3 15W * *", "uses \"W\" in its day-of-month field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)")]
    [InlineData("0 3 * * 5#3", "uses \"#\" in its day-of-week field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)")]
    [InlineData("0 3 ? * 1", "uses \"?\" in its day-of-month field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)")]
    [InlineData("0 3 * * 5L", "uses \"L\" in its day-of-week field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)")]
    [InlineData("0 3 * * 7", "has 7 in its day-of-week field, which a Kubernetes CronJob refuses; write Sunday as 0")]
    [InlineData("0 3 * * MON", "names \"MON\" in its day-of-week field; use numbers, which both platforms accept (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"")]
    [InlineData("0 3 * JUL *", "names \"JUL\" in its month field; use numbers, which both platforms accept (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"")]
    [InlineData("5/15 * * * *", "has \"5/15\" in its minute field, which an Auto Scaling scheduled action does not accept; write it as \"5-59/15\"")]
    [InlineData("*/0 * * * *", "has the step \"*/0\" in its minute field; a step is a whole number of at least 1 after \"*/\" or \"a-b/\"")]
    [InlineData("0 20-8 * * *", "has the range \"20-8\" in its hour field, whose start is after its end")]
    [InlineData("0 3 0 * *", "has 0 in its day-of-month field, outside 1-31 (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"")]
    [InlineData("0 0 3 * * *", "is not a cron expression of five fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\"")]
    [InlineData("@every 5m", "uses \"@every\", which an Auto Scaling scheduled action does not accept; write the interval as five fields, e.g. \"*/15 * * * *\"")]
    [InlineData("@reboot", "is not a known descriptor (allowed: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly) nor five cron fields, e.g. \"0 3 * * *\"")]
    [InlineData("CRON_TZ=Europe/Berlin 0 3 * * *", "sets its time zone inside the schedule, which a Kubernetes CronJob refuses; give it as timeZone instead")]
    [InlineData("0 3 1,,2 * *", "has \"\" in its day-of-month field, which is not a number, a range a-b or a step */s (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"")]
    [InlineData("0 3 +1 * *", "has \"+1\" in its day-of-month field, which is not a number, a range a-b or a step */s (minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); e.g. \"0 3 * * *\"")]
    public void Problem_OutsideTheDialect_NamesThePart(string schedule, string expected) =>
        Assert.Equal(expected, CronSchedule.Problem(schedule));

    [Theory]
    [InlineData("@yearly", "0 0 1 1 *")]
    [InlineData("@annually", "0 0 1 1 *")]
    [InlineData("@monthly", "0 0 1 * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@midnight", "0 0 * * *")]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData(" 0  3 *\t* * ", "0 3 * * *")]
    public void Canonical_ExpandsMacrosAndCollapsesSpace(string schedule, string expected)
    {
        Assert.Equal(expected, CronSchedule.Canonical(schedule));
        Assert.Null(CronSchedule.Problem(expected));
    }

    [Theory]
    [InlineData("0 3 31 2 *", "never fires: no month in \"2\" has day 31")]
    [InlineData("0 3 30,31 2 *", "never fires: no month in \"2\" has day 30, 31")]
    [InlineData("0 3 31 4,6,9,11 *", "never fires: no month in \"4,6,9,11\" has day 31")]
    public void NeverFires_ImpossibleDays_SaysSo(string schedule, string expected) =>
        Assert.Equal(expected, CronSchedule.NeverFires(schedule));

    [Theory]
    [InlineData("0 3 29 2 *")] // leap years
    [InlineData("0 3 31 2 1")] // day-of-week widens: Mondays in February
    [InlineData("0 3 31 1-2 *")]
    [InlineData("0 3 * * *")]
    [InlineData("0 3 31 */2 *")]
    public void NeverFires_SomeDayMatches_IsNull(string schedule) => Assert.Null(CronSchedule.NeverFires(schedule));
}
