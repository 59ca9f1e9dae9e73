using System.Globalization;
using System.Text;
using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Cli;

/// <summary>Renders a plan diff: Markdown ready to post as a pull-request comment, plain text, or JSON.</summary>
public static class DiffPrinter
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
            if (w.Status == WorkloadStatus.Renamed)
                yield return $"Workload `{w.RenamedFrom}` is renamed to `{w.Name}`: every one of its {w.Count(ChangeKind.Delete)} child resources is deleted and created again under the new name. Keep the old name (or alias it) to avoid this.";
            if (w.Status == WorkloadStatus.Removed)
                yield return $"Workload `{w.Name}` is removed: its {w.Count(ChangeKind.Delete)} child resources are deleted.";
            foreach (var r in w.Resources.Where(r => r.Kind == ChangeKind.Replace))
                yield return $"`{r.Name}` (`{r.Type}`) is replaced because {string.Join(", ", r.ReplacedBy.Select(p => $"`{p}`"))} changed.";
        }
    }

    /// <summary>GitHub refuses a comment longer than this many characters.</summary>
    public const int MaxCommentLength = 65_536;

    /// <summary>Mermaid's default maxTextSize: a larger graph renders as an error box on GitHub.</summary>
    public const int MaxGraphLength = 50_000;

    /// <summary>Warnings shown one by one before the rest are counted.</summary>
    private const int MaxWarnings = 20;

    /// <summary>
    /// The PR comment. It fits <see cref="MaxCommentLength"/> whatever the program's size: the summary, config and
    /// totals always; changed workloads in full while they fit, then one line each, then a count; unchanged workloads
    /// and the graph of what changed only as far as they fit.
    /// </summary>
    public static string Markdown(PlanDiff diff, string baseName, string headName, LoadComparison? load = null)
    {
        // The marker lets a CI job find and update its own comment, even when there is nothing to show.
        if (diff.IsEmpty) return "<!-- multinode-diff --> " + EmptyLine(baseName, headName);
        var head = new StringBuilder();
        head.Append("<!-- multinode-diff -->\n");
        head.Append("## Multinode preview: `").Append(baseName).Append("` → `").Append(headName).Append("`\n\n");
        var (before, after) = (diff.Base.Totals.MaxHourlyCost, diff.Head.Totals.MaxHourlyCost);
        head.Append("**").Append(Summary(diff)).Append("**");
        if (before is not null || after is not null)
            head.Append(" · worst-case cost ").Append(Money(before)).Append("/h → ").Append(Money(after)).Append("/h (").Append(Delta(before, after))
                .Append("/h; ").Append(Pricing.Basis).Append(')');
        head.Append("\n\n");
        var warnings = Warnings(diff).ToList();
        foreach (var warning in warnings.Take(MaxWarnings)) head.Append("> ⚠️ ").Append(Escape(warning)).Append('\n');
        if (warnings.Count > MaxWarnings) head.Append("> ⚠️ … and ").Append(warnings.Count - MaxWarnings).Append(" more warnings (`multinode diff --format text` lists them all).\n");
        if (warnings.Count > 0) head.Append('\n');

        if (diff.ConfigChanges.Count > 0)
        {
            head.Append("### multinode config — changed\n\n| key | before | after |\n| --- | --- | --- |\n");
            foreach (var c in diff.ConfigChanges)
                head.Append("| ").Append(c.Path).Append(" | ").Append(PlanPrinter.Cell(Value(c.Before))).Append(" | ").Append(PlanPrinter.Cell(Value(c.After))).Append(" |\n");
            head.Append('\n');
        }

        var tail = new StringBuilder();
        tail.Append("### Cost and quotas at maximum scale\n\n| | before | after | change |\n| --- | --- | --- | --- |\n");
        foreach (var (label, b, a, change) in Totals(diff))
            tail.Append("| ").Append(label).Append(" | ").Append(b).Append(" | ").Append(a).Append(" | ").Append(change).Append(" |\n");
        tail.Append('\n');
        tail.Append('_').Append(diff.Head.PricingNote).Append("_\n\n");
        if (load is not null) tail.Append('_').Append(load.Note).Append("_\n\n");

        // Room for the workload sections, keeping space for the notes that say what was left out.
        const int notes = 1_000;
        var budget = MaxCommentLength - head.Length - tail.Length - notes;
        var body = new StringBuilder();
        var changed = diff.Workloads.Where(w => w.Status != WorkloadStatus.Unchanged).ToList();
        var shown = 0;
        for (; shown < changed.Count; shown++)
        {
            // Full sections take at most half the room, so that the rest of the changed workloads still get a line each.
            var section = WorkloadSection(changed[shown], load);
            if (body.Length + section.Length > budget / 2) break;
            body.Append(section);
        }
        var lines = 0;
        for (; shown + lines < changed.Count; lines++)
        {
            var line = WorkloadLine(changed[shown + lines]);
            if (body.Length + line.Length > budget) break;
            if (lines == 0) body.Append("More changed workloads, in short:\n\n");
            body.Append(line);
        }
        if (lines > 0) body.Append('\n');
        var left = changed.Count - shown - lines;
        if (left > 0)
            body.Append("… and ").Append(left).Append(" more changed workloads: the comment is limited to GitHub's ")
                .Append(Numbers.Whole(MaxCommentLength, grouped: true)).Append(" characters; `multinode diff` prints them all.\n\n");

        var unchanged = diff.Workloads.Where(w => w.Status == WorkloadStatus.Unchanged).Select(w => $"`{w.Name}`").ToList();
        if (unchanged.Count > 0)
        {
            var list = "Unchanged: " + string.Join(", ", unchanged) + ".\n\n";
            body.Append(body.Length + list.Length <= budget ? list : $"Unchanged: {unchanged.Count} workloads.\n\n");
        }

        var graph = "<details><summary>Resource graph of what changed</summary>\n\n```mermaid\n" + Mermaid(diff) + "```\n\n</details>\n";
        var md = head.Append(body).Append(tail);
        if (graph.Length <= MaxGraphLength && md.Length + graph.Length <= MaxCommentLength) md.Append(graph);
        else md.Append("_The resource graph of the ").Append(Kinds.Sum(k => diff.Count(k.Kind)))
            .Append(" changed resources is too large to draw here._\n");
        return md.ToString();
    }

    /// <summary>One changed workload in full: settings old → new, its children's changes, their changed inputs.</summary>
    private static string WorkloadSection(WorkloadDiff w, LoadComparison? load)
    {
        var md = new StringBuilder();
        md.Append("### ").Append(w.Kind).Append(" `").Append(w.Name).Append("` — ").Append(w.Status.ToString().ToLowerInvariant());
        if (w.RenamedFrom is not null) md.Append(" from `").Append(w.RenamedFrom).Append('`');
        md.Append("\n\n");
        if (w.Settings.Count > 0 && w.Status is WorkloadStatus.Changed)
        {
            md.Append("| setting | before | after |\n| --- | --- | --- |\n");
            foreach (var c in w.Settings)
                md.Append("| ").Append(PlanPrinter.Cell(c.Path)).Append(" | ").Append(PlanPrinter.Cell(Value(c.Before))).Append(" | ").Append(PlanPrinter.Cell(Value(c.After))).Append(" |\n");
            md.Append('\n');
        }
        if (load?.Rows(w.Name, w.Kind) is { Count: > 0 } simulated)
        {
            md.Append("| under load | before | after |\n| --- | --- | --- |\n");
            foreach (var (label, b, a) in simulated) md.Append("| ").Append(label).Append(" | ").Append(b).Append(" | ").Append(a).Append(" |\n");
            md.Append('\n');
        }
        var changed = w.Resources.Where(r => r.Kind != ChangeKind.Same).ToList();
        if (changed.Count > 0)
        {
            md.Append("| resource | type | change |\n| --- | --- | --- |\n");
            foreach (var r in changed)
                md.Append("| `").Append(r.Name).Append("` | `").Append(r.Type).Append("` | ").Append(Kinds.First(k => k.Kind == r.Kind).Mark).Append(" |\n");
            md.Append('\n');
        }
        var detailed = changed.Where(r => r.Changes.Count > 0).ToList();
        if (detailed.Count > 0)
        {
            md.Append("<details><summary>Changed inputs of ").Append(detailed.Count).Append(" resource").Append(detailed.Count == 1 ? "" : "s").Append("</summary>\n\n");
            foreach (var r in detailed)
            {
                md.Append("- `").Append(r.Name).Append("` (").Append(r.Kind.ToString().ToLowerInvariant()).Append(")\n");
                foreach (var c in r.Changes)
                {
                    var forces = r.ReplacedBy.Any(p => PlanDiff.Covers(p, c.Path)) ? " (forces replacement)" : "";
                    if (LongText(c.Before) is { } oldText && LongText(c.After) is { } newText)
                    {
                        md.Append("  - `").Append(c.Path).Append("` changed").Append(forces).Append(":\n\n    ```diff\n");
                        foreach (var line in oldText.Except(newText)) md.Append("    - ").Append(line).Append('\n');
                        foreach (var line in newText.Except(oldText)) md.Append("    + ").Append(line).Append('\n');
                        md.Append("    ```\n");
                        continue;
                    }
                    md.Append("  - `").Append(c.Path).Append("`: ").Append(Inline(Value(c.Before))).Append(" → ").Append(Inline(Value(c.After)))
                      .Append(forces).Append('\n');
                }
            }
            md.Append("\n</details>\n\n");
        }
        return md.ToString();
    }

    /// <summary>One changed workload in one line, for when the full sections no longer fit.</summary>
    private static string WorkloadLine(WorkloadDiff w)
    {
        var counts = string.Join(", ", Kinds.Where(k => w.Count(k.Kind) > 0).Select(k => $"{w.Count(k.Kind)} to {k.Word}"));
        return $"- {w.Kind} `{w.Name}` — {w.Status.ToString().ToLowerInvariant()}" +
            (w.Settings.Count > 0 && w.Status is WorkloadStatus.Changed ? $": {string.Join(", ", w.Settings.Select(c => PlanPrinter.Cell(c.Path)))}" : "") +
            (counts.Length > 0 ? $" ({counts})" : "") + "\n";
    }

    /// <summary>Text for Markdown outside code spans: HTML in a value must not become markup in a PR comment.</summary>
    private static string Escape(string text) => PlanPrinter.Html(text);

    /// <summary>The lines of a long string (user data, scripts, policies), base64-decoded when it is base64 text;
    /// null for short values, which print inline.</summary>
    private static string[]? LongText(PropertyValue? value)
    {
        if (value is not StringValue { Value.Length: > 120 } s) return null;
        var text = s.Value;
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var length))
        {
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
        return text.Split('\n');
    }

    private static string Inline(string text) => $"`{text.Replace("`", "'", StringComparison.Ordinal)}`";

    /// <summary>A Mermaid flowchart of the changed workloads: one subgraph each, children coloured by change, dependency edges.</summary>
    public static string Mermaid(PlanDiff diff)
    {
        var g = new StringBuilder("flowchart LR\n");
        g.Append("  classDef create fill:#d4f7d4,stroke:#2a2;\n  classDef update fill:#fff3c4,stroke:#c90;\n");
        g.Append("  classDef replace fill:#ffd6d6,stroke:#c22;\n  classDef delete fill:#eee,stroke:#999,stroke-dasharray:4;\n");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Id(string name) => ids.TryGetValue(name, out var id) ? id : ids[name] = $"n{ids.Count}";
        var shown = diff.Workloads.Where(w => w.Status != WorkloadStatus.Unchanged).ToList();
        var names = shown.SelectMany(w => w.Resources).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var w in shown)
        {
            g.Append("  subgraph ").Append(Id("workload:" + w.Name)).Append("[\"").Append(w.Kind).Append(' ').Append(w.Name).Append("\"]\n");
            foreach (var r in w.Resources)
            {
                g.Append("    ").Append(Id(r.Name)).Append("[\"").Append(r.Name).Append("<br/><small>").Append(r.Type).Append("</small>\"]");
                if (r.Kind != ChangeKind.Same) g.Append(":::").Append(r.Kind.ToString().ToLowerInvariant());
                g.Append('\n');
            }
            g.Append("  end\n");
        }
        var edges = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plan in new[] { diff.Head, diff.Base })
            foreach (var resource in plan.Workloads.SelectMany(w => w.Resources).Where(r => names.Contains(r.Name)))
                foreach (var dependency in resource.DependsOn.Where(names.Contains))
                {
                    var edge = $"  {Id(dependency)} --> {Id(resource.Name)}\n";
                    if (edges.Add(edge)) g.Append(edge);
                }
        return g.ToString();
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
