using System.Text.Json;
using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>
/// IANA time zones as AWS wants them: canonical names. A link (a backward-compatible name such as
/// <c>US/Eastern</c> or <c>Asia/Calcutta</c>) is accepted and planned as the zone it points at, with a warning.
/// The table is embedded (<c>Workloads/time-zones.json</c>, generated from IANA tzdata by
/// <c>scripts/update-timezones.mjs</c>), so the answer never depends on the machine's own tzdata.
/// </summary>
public static class TimeZones
{
    private sealed record Table(string Source, HashSet<string> Zones, Dictionary<string, string> Links);

    private static readonly Lazy<Table> Embedded = new(() =>
    {
        using var stream = typeof(TimeZones).Assembly.GetManifestResourceStream("Multinode.Infra.Workloads.time-zones.json")
            ?? throw new InvalidOperationException("the embedded time zone table is missing from the assembly");
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        return new Table(
            root.GetProperty("source").GetString()!,
            root.GetProperty("zones").EnumerateArray().Select(z => z.GetString()!).ToHashSet(StringComparer.Ordinal),
            root.GetProperty("links").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!, StringComparer.Ordinal));
    });

    /// <summary>Where the table comes from (tzdata version).</summary>
    public static string Source => Embedded.Value.Source;

    /// <summary>The end of the failure sentence after <c>timeZone = "..."</c>, or null for a zone or a link.</summary>
    public static string? Problem(string text)
    {
        var table = Embedded.Value;
        if (table.Zones.Contains(text) || table.Links.ContainsKey(text)) return null;
        var suggestion = InputReader.Suggest(text, table.Zones.Concat(table.Links.Keys).Order(StringComparer.Ordinal));
        if (suggestion is not null && table.Links.TryGetValue(suggestion, out var target)) suggestion = target;
        return "is not an IANA time zone such as \"UTC\" or \"Europe/Berlin\"" + (suggestion is null ? "" : $"; did you mean \"{suggestion}\"?");
    }

    /// <summary>The canonical zone of an accepted name: itself, or the zone a link points at.</summary>
    public static string Canonical(string name) => Embedded.Value.Links.GetValueOrDefault(name, name);
}
