using System.Globalization;

namespace Multinode.Infra.Workloads;

/// <summary>
/// The one cron dialect a ScheduledTask may use: what both an EC2 Auto Scaling scheduled action (Unix cron) and a
/// Kubernetes CronJob (robfig/cron's standard parser) accept. Five numeric fields — minute 0-59, hour 0-23,
/// day-of-month 1-31, month 1-12, day-of-week 0-6 (0 = Sunday) — each a list of <c>*</c>, <c>n</c>, <c>a-b</c>,
/// <c>*/s</c> or <c>a-b/s</c>. robfig's descriptors (<c>@daily</c>, …) are expanded to their five fields, since
/// Auto Scaling has none. Everything else (<c>L</c>, <c>W</c>, <c>#</c>, <c>?</c>, names, 7 for Sunday,
/// <c>a/s</c>, <c>@every</c>, <c>CRON_TZ=</c>) is refused naming the part; docs/configuration.md lists it all.
/// </summary>
public static class CronSchedule
{
    /// <summary>robfig/cron's descriptors and the five fields each means.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Macros =
    [
        new("@yearly", "0 0 1 1 *"),
        new("@annually", "0 0 1 1 *"),
        new("@monthly", "0 0 1 * *"),
        new("@weekly", "0 0 * * 0"),
        new("@daily", "0 0 * * *"),
        new("@midnight", "0 0 * * *"),
        new("@hourly", "0 * * * *"),
    ];

    private static readonly (string Name, int Min, int Max)[] Fields =
    [
        ("minute", 0, 59), ("hour", 0, 23), ("day-of-month", 1, 31), ("month", 1, 12), ("day-of-week", 0, 6),
    ];

    private static readonly int[] DaysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private const string Example = "e.g. \"0 3 * * *\"";

    /// <summary>The five fields a schedule is planned with: a macro expanded, whitespace collapsed. Only for a
    /// schedule <see cref="Problem"/> accepts.</summary>
    public static string Canonical(string text)
    {
        var trimmed = text.Trim();
        var macro = Macros.FirstOrDefault(m => string.Equals(m.Key, trimmed, StringComparison.OrdinalIgnoreCase));
        return macro.Value ?? string.Join(' ', Split(trimmed));
    }

    /// <summary>The end of the failure sentence after <c>schedule = "..."</c>, or null when the schedule is in the dialect.</summary>
    public static string? Problem(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('@'))
        {
            if (Macros.Any(m => string.Equals(m.Key, trimmed, StringComparison.OrdinalIgnoreCase))) return null;
            return trimmed.StartsWith("@every", StringComparison.OrdinalIgnoreCase)
                ? $"uses \"@every\", which an Auto Scaling scheduled action does not accept; write the interval as five fields, e.g. \"*/15 * * * *\""
                : $"is not a known descriptor (allowed: {string.Join(", ", Macros.Select(m => m.Key))}) nor five cron fields, {Example}";
        }
        if (trimmed.StartsWith("TZ=", StringComparison.Ordinal) || trimmed.StartsWith("CRON_TZ=", StringComparison.Ordinal))
            return "sets its time zone inside the schedule, which a Kubernetes CronJob refuses; give it as timeZone instead";
        var fields = Split(trimmed);
        if (fields.Length != Fields.Length)
            return $"is not a cron expression of five fields (minute hour day-of-month month day-of-week), {Example}";
        for (var i = 0; i < fields.Length; i++)
            if (FieldProblem(fields[i], Fields[i]) is { } problem) return problem;
        return null;
    }

    /// <summary>Why a schedule in the dialect never fires, or null when it does: days of the month that no listed
    /// month has (<c>0 3 31 2 *</c>), when the day of the week does not widen them. Like both platforms, a restricted
    /// day-of-week field is OR-ed with a restricted day-of-month field, so it always leaves days to run on.</summary>
    public static string? NeverFires(string canonical)
    {
        var fields = Split(canonical);
        if (fields[4] != "*" || fields[2] == "*") return null;
        var days = Values(fields[2], Fields[2]);
        var months = Values(fields[3], Fields[3]);
        if (months.Any(m => days.Any(d => d <= DaysInMonth[m - 1]))) return null;
        return $"never fires: no month in \"{fields[3]}\" has day {string.Join(", ", days)}";
    }

    /// <summary>Whether a schedule in the dialect (<see cref="Canonical"/>) fires at the minute of the local time
    /// <paramref name="local"/>. As on both platforms, day-of-month and day-of-week are OR-ed when both are restricted
    /// (neither is "*"), AND-ed otherwise.</summary>
    public static bool Fires(string canonical, DateTime local)
    {
        var fields = Split(canonical);
        bool In(int i, int value) => Values(fields[i], Fields[i]).Contains(value);
        if (!In(0, local.Minute) || !In(1, local.Hour) || !In(3, local.Month)) return false;
        var day = In(2, local.Day);
        var weekday = In(4, (int)local.DayOfWeek);
        return fields[2] != "*" && fields[4] != "*" ? day || weekday : day && weekday;
    }

    private static string[] Split(string text) => text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static string? FieldProblem(string field, (string Name, int Min, int Max) spec)
    {
        foreach (var item in field.Split(','))
        {
            // Month and weekday names (JAN, MON) are letters too, and are told apart from L and W by their length.
            var name = item.Length == 3 && item.All(char.IsAsciiLetter);
            foreach (var c in new[] { "L", "W", "#", "?" })
                if (!name && item.Contains(c, StringComparison.OrdinalIgnoreCase))
                    return $"uses \"{c}\" in its {spec.Name} field, which a Kubernetes CronJob or an Auto Scaling scheduled action does not accept (allowed: numbers, *, a-b, */s, a-b/s and lists of them)";
            if (ItemProblem(item, spec) is { } problem) return problem;
        }
        return null;
    }

    private static string? ItemProblem(string item, (string Name, int Min, int Max) spec)
    {
        var allowed = $"(minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-6); {Example}";
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? item : item[..slash];
        if (slash >= 0)
        {
            if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1)
                return $"has the step \"{item}\" in its {spec.Name} field; a step is a whole number of at least 1 after \"*/\" or \"a-b/\"";
            if (range != "*" && !range.Contains('-', StringComparison.Ordinal))
                return $"has \"{item}\" in its {spec.Name} field, which an Auto Scaling scheduled action does not accept; write it as \"{range}-{spec.Max}/{item[(slash + 1)..]}\"";
        }
        if (range == "*") return null;
        var bounds = range.Split('-');
        if (bounds.Length > 2 || bounds.Any(b => b.Length == 0))
            return $"has \"{item}\" in its {spec.Name} field, which is not a number, a range a-b or a step */s {allowed}";
        var numbers = new List<int>();
        foreach (var bound in bounds)
        {
            if (!int.TryParse(bound, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return bound.All(char.IsAsciiLetter)
                    ? $"names \"{bound}\" in its {spec.Name} field; use numbers, which both platforms accept {allowed}"
                    : $"has \"{item}\" in its {spec.Name} field, which is not a number, a range a-b or a step */s {allowed}";
            if (n < spec.Min || n > spec.Max)
                return spec.Name == "day-of-week" && n == 7
                    ? "has 7 in its day-of-week field, which a Kubernetes CronJob refuses; write Sunday as 0"
                    : $"has {n} in its {spec.Name} field, outside {spec.Min}-{spec.Max} {allowed}";
            numbers.Add(n);
        }
        if (numbers.Count == 2 && numbers[0] > numbers[1])
            return $"has the range \"{range}\" in its {spec.Name} field, whose start is after its end";
        return null;
    }

    /// <summary>The values a field in the dialect selects.</summary>
    private static SortedSet<int> Values(string field, (string Name, int Min, int Max) spec)
    {
        var values = new SortedSet<int>();
        foreach (var item in field.Split(','))
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var range = slash < 0 ? item : item[..slash];
            var step = slash < 0 ? 1 : int.Parse(item[(slash + 1)..], CultureInfo.InvariantCulture);
            var (from, to) = range == "*"
                ? (spec.Min, spec.Max)
                : range.Split('-') is [var a, var b]
                    ? (int.Parse(a, CultureInfo.InvariantCulture), int.Parse(b, CultureInfo.InvariantCulture))
                    : (int.Parse(range, CultureInfo.InvariantCulture), int.Parse(range, CultureInfo.InvariantCulture));
            for (var v = from; v <= to; v += step) values.Add(v);
        }
        return values;
    }
}
