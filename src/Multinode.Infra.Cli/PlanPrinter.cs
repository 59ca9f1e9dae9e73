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
        yield return ("workers at maximum scale", Numbers.Whole(s.MaxWorkers));
        yield return ("vCPU at maximum scale", Numbers.Exact(s.MaxCpu));
        yield return ("memory at maximum scale", s.MaxMemory.ToString());
        if (s.MaxGpus > 0) yield return ("GPUs at maximum scale", Numbers.Whole(s.MaxGpus));
        foreach (var (label, value) in s.Facts) yield return (label, value);
        if (s.MaxHourlyCost is { } cost) yield return ("worst-case cost per hour", Pricing.Estimate(cost));
    }

    public static void WriteText(Plan plan, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]target[/]: {plan.Config.Target.Name}");
        foreach (var workload in plan.Workloads)
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{Markup.Escape(workload.Workload.Label)}[/]")
            {
                Justification = Justify.Left,
            });
            var settings = new Table().AddColumns("setting", "value");
            foreach (var (path, value) in Flatten(workload.Workload.Settings()))
                settings.AddRow(Markup.Escape(path), Markup.Escape(value));
            foreach (var (label, value) in SummaryRows(workload.Summary))
                settings.AddRow(Markup.Escape(label), Markup.Escape(value));
            console.Write(settings);
            if (workload.Resources.Count > 0)
            {
                var resources = new Table().AddColumns("resource", "type", "depends on");
                foreach (var r in workload.Resources)
                    resources.AddRow(Markup.Escape(r.Name), Markup.Escape(r.Type),
                        Markup.Escape(string.Join(", ", r.DependsOn)));
                console.Write(resources);
            }
        }
        console.WriteLine();
        var totals = new Table().AddColumns("total over all workloads", "value");
        foreach (var (label, value) in SummaryRows(plan.Totals))
            totals.AddRow(Markup.Escape(label), Markup.Escape(value));
        console.Write(totals);
        console.WriteLine(plan.PricingNote);
    }

    public static string Markdown(Plan plan)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Markdown(text, plan);
        return text.ToString();
    }

    /// <summary>The Markdown plan, written workload by workload to <paramref name="md"/>.</summary>
    public static void Markdown(TextWriter md, Plan plan)
    {
        md.Write($"## Multinode plan (target: {plan.Config.Target.Name})\n\n");
        foreach (var warning in plan.Warnings) md.Write($"> ⚠️ {Cell(warning.ToString())}\n");
        if (plan.Warnings.Count > 0) md.Write('\n');
        foreach (var workload in plan.Workloads)
        {
            md.Write($"### {workload.Workload.Kind} `{workload.Workload.Name}`\n\n");
            md.Write("| setting | value |\n| --- | --- |\n");
            foreach (var (path, value) in Flatten(workload.Workload.Settings()))
                md.Write($"| {path} | {Cell(value)} |\n");
            foreach (var (label, value) in SummaryRows(workload.Summary)) md.Write($"| {label} | {Cell(value)} |\n");
            if (workload.Resources.Count > 0)
            {
                md.Write("\n| resource | type | depends on |\n| --- | --- | --- |\n");
                foreach (var r in workload.Resources)
                    md.Write($"| `{r.Name}` | `{r.Type}` | {Cell(string.Join(", ", r.DependsOn))} |\n");
            }
            md.Write('\n');
        }
        md.Write("### Totals at maximum scale\n\n| total | value |\n| --- | --- |\n");
        foreach (var (label, value) in SummaryRows(plan.Totals)) md.Write($"| {label} | {Cell(value)} |\n");
        md.Write($"\n_{plan.PricingNote}_\n");
    }

    /// <summary>Escapes what would break a Markdown table cell, HTML included.</summary>
    public static string Cell(string text) =>
        Html(text).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Markdown renders inline HTML: a value such as "&lt;/details&gt;" must print as text, not close a tag.
    /// </summary>
    public static string Html(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);
}
