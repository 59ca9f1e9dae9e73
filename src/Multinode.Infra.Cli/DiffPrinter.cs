using System.Globalization;
using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Cli;

/// <summary>Renders a plan diff: Markdown ready to post as a pull-request comment, plain text, or JSON.</summary>
public static partial class DiffPrinter
{
    public const decimal HoursPerMonth = 730m;

    private static readonly (ChangeKind Kind, string Word, string Mark)[] Kinds =
    [
        (ChangeKind.Create, "create", "🟢 create"),
        (ChangeKind.Update, "update", "✏️ update"),
        (ChangeKind.Replace, "replace", "🔴 replace"),
        (ChangeKind.Delete, "delete", "🗑️ delete"),
    ];

    public static string EmptyLine(string baseName, string headName) =>
        $"No changes: {baseName} and {headName} plan the same resources with the same settings.\n";

    /// <summary>"2 workloads changed, 1 added · 3 to create · 1 to update · 0 to replace · 0 to delete".</summary>
    public static string Summary(PlanDiff diff)
    {
        var statuses = Enum.GetValues<WorkloadStatus>().Where(s => s != WorkloadStatus.Unchanged)
            .Select(s => (Status: s, Count: diff.Count(s)))
            .Where(x => x.Count > 0)
            .Select(x => $"{x.Count} {(x.Count == 1 ? "workload" : "workloads")} {x.Status.ToString().ToLowerInvariant()}");
        var workloads = string.Join(", ", statuses);
        var counts = string.Join(" · ", Kinds.Select(k => $"{diff.Count(k.Kind)} to {k.Word}"));
        return (workloads.Length == 0 ? "settings unchanged" : workloads) + " · " + counts;
    }

    /// <summary>A side of a change; an unknown after-value is one the engine learns only when it applies the change.</summary>
    private static string Value(PropertyValue? value) => value switch
    {
        null => "—",
        UnknownValue => "(known after apply)",
        _ => value.Display(),
    };

    private static string Monthly(decimal? hourly) =>
        hourly is { } h ? "≈ $" + Numbers.Grouped(h * HoursPerMonth) : "n/a";

    private static string Money(decimal? amount) => amount is { } a ? "≈ " + Numbers.Dollars(decimal.Round(a, 4)) : "n/a";

    private static string Delta(decimal? before, decimal? after)
    {
        if (before is not { } b || after is not { } a) return "n/a";
        var d = decimal.Round(a - b, 4);
        return (d >= 0 ? "+" : "−") + Numbers.Dollars(Math.Abs(d));
    }

    /// <summary>Rows of the cost and quota table: label, before, after, change.</summary>
    public static IEnumerable<(string Label, string Before, string After, string Change)> Totals(PlanDiff diff)
    {
        var (before, after) = (diff.Base.Totals, diff.Head.Totals);
        yield return ($"worst-case cost per hour ({Pricing.Basis})", Money(before.MaxHourlyCost), Money(after.MaxHourlyCost), Delta(before.MaxHourlyCost, after.MaxHourlyCost));
        yield return ($"worst-case cost per month ({HoursPerMonth} h)", Monthly(before.MaxHourlyCost), Monthly(after.MaxHourlyCost),
            before.MaxHourlyCost is { } b && after.MaxHourlyCost is { } a
                ? (a >= b ? "+" : "−") + Monthly(Math.Abs(a - b))[2..]
                : "n/a");
        // Each side against its own config: a PR may raise a budget or a quota along with the workloads.
        var (quotasBefore, quotasAfter) = (diff.Base.Config.Quotas, diff.Head.Config.Quotas);
        var (budgetBefore, budgetAfter) = (diff.Base.Config.MaxHourlyCost, diff.Head.Config.MaxHourlyCost);
        if (budgetBefore is not null || budgetAfter is not null)
            yield return ("maxHourlyCost budget", Budget(before.MaxHourlyCost, budgetBefore), Budget(after.MaxHourlyCost, budgetAfter), "");
        yield return ("vCPU at maximum scale", Use(Numbers.Exact(before.MaxCpu), before.MaxCpu, quotasBefore.Cpu),
            Use(Numbers.Exact(after.MaxCpu), after.MaxCpu, quotasAfter.Cpu), Signed(after.MaxCpu - before.MaxCpu));
        yield return ("memory at maximum scale", Use(before.MaxMemory.ToString(), before.MaxMemory.Bytes, quotasBefore.Memory?.Bytes),
            Use(after.MaxMemory.ToString(), after.MaxMemory.Bytes, quotasAfter.Memory?.Bytes),
            after.MaxMemory.Bytes == before.MaxMemory.Bytes ? "0" : (after.MaxMemory.Bytes > before.MaxMemory.Bytes ? "+" : "−") +
                new Workloads.Memory(Math.Abs(after.MaxMemory.Bytes - before.MaxMemory.Bytes)));
        yield return ("GPUs at maximum scale", Use(Numbers.Whole(before.MaxGpus), before.MaxGpus, quotasBefore.Gpu),
            Use(Numbers.Whole(after.MaxGpus), after.MaxGpus, quotasAfter.Gpu), Signed(after.MaxGpus - before.MaxGpus));
    }

    /// <summary>"42% of $60": the share of a side's own budget; "none" when that side has no budget.</summary>
    private static string Budget(decimal? cost, double? budget) =>
        budget is { } max ? $"{Numbers.Percent((double)(cost ?? 0), max)} of {Numbers.Dollars((decimal)max)}" : "none";

    private static string Signed(double d) => d == 0 ? "0" : (d > 0 ? "+" : "−") + Numbers.Exact(Math.Abs(d));

    private static string Use(string text, double used, double? quota) =>
        quota is { } q and > 0 ? $"{text} ({Numbers.Percent(used, q)} of quota)" : text;

    private static IEnumerable<string> Warnings(PlanDiff diff)
    {
        foreach (var w in diff.Workloads)
        {
            // The head's own warnings about what this change plans (e.g. idle GPUs), not those of untouched workloads.
            if (w.Status != WorkloadStatus.Unchanged && w.After is { } planned)
                foreach (var warning in planned.Warnings) yield return warning.ToString();
            if (w.Status == WorkloadStatus.Renamed)
                yield return $"Workload `{w.RenamedFrom}` is renamed to `{w.Name}`: every one of its {w.Count(ChangeKind.Delete)} child resources is deleted and created again under the new name. Keep the old name (or alias it) to avoid this.";
            if (w.Status == WorkloadStatus.Removed)
                yield return $"Workload `{w.Name}` is removed: its {w.Count(ChangeKind.Delete)} child resources are deleted.";
            if (w.Count(ChangeKind.Replace) == 0) continue;
            foreach (var r in w.Resources.Where(r => r.Kind == ChangeKind.Replace))
                yield return $"`{r.Name}` (`{r.Type}`) is replaced because {r.ReplaceReason}.";
        }
    }

    public static string Text(PlanDiff diff, string baseName, string headName, LoadComparison? load = null)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Text(text, diff, baseName, headName, load);
        return text.ToString();
    }

    /// <summary>The plain-text diff, written workload by workload to <paramref name="t"/>.</summary>
    public static void Text(TextWriter t, PlanDiff diff, string baseName, string headName, LoadComparison? load = null)
    {
        if (diff.IsEmpty)
        {
            t.Write(EmptyLine(baseName, headName));
            return;
        }
        t.Write($"{baseName} → {headName}: {Summary(diff)}\n");
        foreach (var warning in Warnings(diff)) t.Write($"! {warning.Replace("`", "", StringComparison.Ordinal)}\n");
        foreach (var c in diff.ConfigChanges) t.Write($"config {c.Path}: {Value(c.Before)} → {Value(c.After)}\n");
        foreach (var w in diff.Workloads.Where(w => w.Status != WorkloadStatus.Unchanged))
        {
            t.Write($"\n{w.Kind} \"{w.Name}\": {w.Status.ToString().ToLowerInvariant()}\n");
            if (w.Status == WorkloadStatus.Changed)
                foreach (var c in w.Settings) t.Write($"  ~ {c.Path}: {Value(c.Before)} → {Value(c.After)}\n");
            foreach (var (label, b, a) in load?.Rows(w.Name, w.Kind) ?? []) t.Write($"  {label}: {b} → {a}\n");
            foreach (var r in w.Resources.Where(r => r.Kind != ChangeKind.Same))
            {
                var sign = r.Kind switch { ChangeKind.Create => "+", ChangeKind.Delete => "-", ChangeKind.Replace => "+-", _ => "~" };
                t.Write($"  {sign} {r.Type} {r.Name}");
                if (r.Changes.Count > 0) t.Write($" ({string.Join(", ", r.Changes.Select(c => c.Path))})");
                t.Write('\n');
            }
        }
        t.Write('\n');
        foreach (var (label, b, a, change) in Totals(diff)) t.Write($"{label}: {b} → {a}{(change.Length > 0 ? $" ({change})" : "")}\n");
        t.Write($"{diff.Head.PricingNote}\n");
    }

    public static string Json(PlanDiff diff, LoadComparison? load = null)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Json(text, diff, load);
        return text.ToString();
    }

    /// <summary>The diff as JSON, streamed workload by workload to <paramref name="output"/>.</summary>
    public static void Json(TextWriter output, PlanDiff diff, LoadComparison? load = null) => JsonOutput.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("empty", diff.IsEmpty);
        w.WriteStartObject("counts");
        foreach (var (kind, word, _) in Kinds) w.WriteNumber(word, diff.Count(kind));
        w.WriteEndObject();
        w.WriteStartArray("config");
        foreach (var c in diff.ConfigChanges) WriteChange(w, c);
        w.WriteEndArray();
        w.WriteStartArray("workloads");
        foreach (var wd in diff.Workloads)
        {
            WriteWorkload(w, wd, load);
            JsonOutput.FlushIfFull(w);
        }
        w.WriteEndArray();
        w.WriteStartObject("totals");
        foreach (var (side, plan) in new[] { ("before", diff.Base), ("after", diff.Head) })
        {
            var totals = plan.Totals;
            w.WriteStartObject(side);
            PlanJson.WriteSummary(w, totals with { MaxHourlyCost = null }, workers: false);
            if (totals.MaxHourlyCost is { } c)
            {
                PlanJson.WriteCost(w, "maxHourlyCost", decimal.Round(c, 4), basis: false);
                PlanJson.WriteCost(w, "maxMonthlyCost", decimal.Round(c * HoursPerMonth, 2));
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static void WriteWorkload(Utf8JsonWriter w, WorkloadDiff wd, LoadComparison? load)
    {
        w.WriteStartObject();
        w.WriteString("name", wd.Name);
        w.WriteString("kind", wd.Kind.Token);
        w.WriteString("status", wd.Status.ToString().ToLowerInvariant());
        if (wd.RenamedFrom is not null) w.WriteString("renamedFrom", wd.RenamedFrom);
        if (load is not null) SimulationPrinter.WriteComparison(w, load, wd.Name);
        w.WriteStartArray("settings");
        foreach (var c in wd.Settings) WriteChange(w, c);
        w.WriteEndArray();
        w.WriteStartArray("resources");
        foreach (var r in wd.Resources)
        {
            w.WriteStartObject();
            w.WriteString("type", r.Type);
            w.WriteString("name", r.Name);
            w.WriteString("change", r.Kind.ToString().ToLowerInvariant());
            w.WriteStartArray("changes");
            foreach (var c in r.Changes) WriteChange(w, c);
            w.WriteEndArray();
            w.WriteStartArray("replacedBy");
            foreach (var p in r.ReplacedBy) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteChange(Utf8JsonWriter w, PropertyChange c)
    {
        w.WriteStartObject();
        w.WriteString("path", c.Path);
        w.WritePropertyName("before");
        (c.Before ?? PropertyValue.Null).WriteJson(w);
        w.WritePropertyName("after");
        (c.After ?? PropertyValue.Null).WriteJson(w);
        w.WriteEndObject();
    }
}
