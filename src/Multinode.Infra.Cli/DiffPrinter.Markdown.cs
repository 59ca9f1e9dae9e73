using System.Text;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Cli;

/// <summary>The pull-request comment: Markdown within GitHub's size limit, and the Mermaid graph of what changed.</summary>
public static partial class DiffPrinter
{
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
        // Plain loops: every child of both plans is looked at, on one core, after the diff is made.
        foreach (var plan in new[] { diff.Head, diff.Base })
            foreach (var workload in plan.Workloads)
                for (var i = 0; i < workload.Resources.Count; i++)
                {
                    var resource = workload.Resources[i];
                    if (!names.Contains(resource.Name)) continue;
                    foreach (var dependency in resource.DependsOn)
                    {
                        if (!names.Contains(dependency)) continue;
                        var edge = $"  {Id(dependency)} --> {Id(resource.Name)}\n";
                        if (edges.Add(edge)) g.Append(edge);
                    }
                }
        return g.ToString();
    }
}
