using System.Text;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Spectre.Console;

namespace Multinode.Infra.Cli;

/// <summary>Renders a plan for people: Spectre tables in a terminal, or Markdown for a pull request.</summary>
public static class PlanPrinter
{
    /// <summary>Settings flattened to dotted paths with short display values.</summary>
    public static IEnumerable<(string Path, string Value)> Flatten(PropertyMap map, string prefix = "")
    {
        foreach (var (key, value) in map)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is ObjectValue o && o.Map.Count > 0)
                foreach (var item in Flatten(o.Map, path)) yield return item;
            else
                yield return (path, value.Display());
        }
    }

    private static IEnumerable<(string Label, string Value)> SummaryRows(PlanSummary s)
    {
        yield return ("workers at maximum scale", s.MaxWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("vCPU at maximum scale", PropertyValue.FormatNumber(s.MaxCpu));
        yield return ("memory at maximum scale", s.MaxMemory.ToString());
        if (s.MaxGpus > 0) yield return ("GPUs at maximum scale", s.MaxGpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (label, value) in s.Facts) yield return (label, value);
        if (s.MaxHourlyCost is { } cost) yield return ("worst-case cost per hour", PlanJson.Estimate(cost));
    }

    public static void WriteText(Plan plan, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]target[/]: {plan.Config.Target.Name}");
        foreach (var workload in plan.Workloads)
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{Markup.Escape(workload.Workload.Label)}[/]") { Justification = Justify.Left });
            var settings = new Table().AddColumns("setting", "value");
            foreach (var (path, value) in Flatten(workload.Workload.Settings())) settings.AddRow(Markup.Escape(path), Markup.Escape(value));
            foreach (var (label, value) in SummaryRows(workload.Summary)) settings.AddRow(Markup.Escape(label), Markup.Escape(value));
            console.Write(settings);
            if (workload.Resources.Count > 0)
            {
                var resources = new Table().AddColumns("resource", "type", "depends on");
                foreach (var r in workload.Resources)
                    resources.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Type), Markup.Escape(string.Join(", ", r.DependsOn)));
                console.Write(resources);
            }
        }
        console.WriteLine();
        var totals = new Table().AddColumns("total over all workloads", "value");
        foreach (var (label, value) in SummaryRows(PlanJson.Totals(plan))) totals.AddRow(Markup.Escape(label), Markup.Escape(value));
        console.Write(totals);
        console.WriteLine(PlanJson.PricingNote(plan));
    }

    public static string Markdown(Plan plan)
    {
        var md = new StringBuilder();
        md.Append("## Multinode plan (target: ").Append(plan.Config.Target.Name).Append(")\n\n");
        foreach (var warning in plan.Warnings) md.Append("> ⚠️ ").Append(Cell(warning.ToString())).Append('\n');
        if (plan.Warnings.Count > 0) md.Append('\n');
        foreach (var workload in plan.Workloads)
        {
            md.Append("### ").Append(workload.Workload.Kind).Append(" `").Append(workload.Workload.Name).Append("`\n\n");
            md.Append("| setting | value |\n| --- | --- |\n");
            foreach (var (path, value) in Flatten(workload.Workload.Settings())) md.Append("| ").Append(path).Append(" | ").Append(Cell(value)).Append(" |\n");
            foreach (var (label, value) in SummaryRows(workload.Summary)) md.Append("| ").Append(label).Append(" | ").Append(Cell(value)).Append(" |\n");
            if (workload.Resources.Count > 0)
            {
                md.Append("\n| resource | type | depends on |\n| --- | --- | --- |\n");
                foreach (var r in workload.Resources)
                    md.Append("| `").Append(r.Name).Append("` | `").Append(r.Type).Append("` | ").Append(Cell(string.Join(", ", r.DependsOn))).Append(" |\n");
            }
            md.Append('\n');
        }
        md.Append("### Totals at maximum scale\n\n| total | value |\n| --- | --- |\n");
        foreach (var (label, value) in SummaryRows(PlanJson.Totals(plan))) md.Append("| ").Append(label).Append(" | ").Append(Cell(value)).Append(" |\n");
        md.Append("\n_").Append(PlanJson.PricingNote(plan)).Append("_\n");
        return md.ToString();
    }

    /// <summary>Escapes what would break a Markdown table cell, HTML included.</summary>
    public static string Cell(string text) => Html(text).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Markdown renders inline HTML: a value such as "&lt;/details&gt;" must print as text, not close a tag.</summary>
    public static string Html(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);
}
