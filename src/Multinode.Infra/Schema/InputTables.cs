using System.Text;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Schema;

/// <summary>
/// docs/workloads.md: the input and output tables of every kind, rendered from the kind definitions as the schema is,
/// so the docs cannot disagree with validation. A test compares the committed page with this rendering
/// (<c>UPDATE_GOLDEN=1</c> rewrites it).
/// </summary>
public static class InputTables
{
    public static string Markdown(KindRegistry kinds)
    {
        var md = new StringBuilder();
        md.Append("# Workload kinds and their inputs\n\n");
        md.Append("<!-- Generated from the kind definitions (src/Multinode.Infra/Workloads/Kinds/) by Schema/InputTables.cs; do not edit.\n");
        md.Append("     Regenerate: UPDATE_GOLDEN=1 dotnet test tests/Multinode.Infra.Tests --filter FullyQualifiedName~InputTablesTests -->\n\n");
        md.Append("Every kind takes the common inputs, then its own. Inputs marked *pass-through* only flow into child resources,\n");
        md.Append("so they may be secret or unknown during preview; every other input shapes the plan and must be a known value.\n\n");
        md.Append("## Common inputs\n\n");
        Table(md, WorkloadInputs.Common);
        foreach (var kind in kinds.All)
        {
            md.Append("\n## ").Append(kind.Name).Append("\n\n`").Append(kind.Token).Append("`: ").Append(kind.Description).Append("\n\n");
            if (kind.OwnInputs.Count > 0) Table(md, kind.OwnInputs);
            else md.Append("The common inputs only.\n");
            md.Append("\nOutputs: ").Append(string.Join(", ", kind.Outputs.Select(o => $"`{o.Name}`"))).Append(".\n");
        }
        return md.ToString();
    }

    private static void Table(StringBuilder md, IReadOnlyList<InputSpec> specs)
    {
        md.Append("| input | type | default | allowed | description |\n| --- | --- | --- | --- | --- |\n");
        foreach (var (path, spec) in Flatten(specs, ""))
        {
            md.Append("| `").Append(path).Append("` | ").Append(TypeName(spec.Type)).Append(" | ")
                .Append(spec.Required ? "required" : spec.Default is { } d ? $"`{d.Display()}`" : "").Append(" | ")
                .Append(Allowed(spec)).Append(" | ")
                .Append(Cell(spec.Description)).Append(" |\n");
        }
    }

    private static IEnumerable<(string Path, InputSpec Spec)> Flatten(IReadOnlyList<InputSpec> specs, string prefix)
    {
        foreach (var spec in specs)
        {
            var path = InputReader.Join(prefix, spec.Name);
            yield return (path, spec);
            foreach (var inner in Flatten(spec.Properties, path)) yield return inner;
        }
    }

    private static string Allowed(InputSpec spec)
    {
        var parts = new List<string>();
        if (spec.Min is { } min && spec.Max is { } max) parts.Add($"{Format(min)} to {Format(max)}");
        else if (spec.Min is { } lo) parts.Add($"at least {Format(lo)}");
        else if (spec.Max is { } hi) parts.Add($"at most {Format(hi)}");
        if (spec.Enum is { } e) parts.Add("one of " + string.Join(", ", e.Select(v => $"`{v}`")));
        if (spec.PassThrough) parts.Add("*pass-through*");
        return string.Join("; ", parts);
    }

    private static string TypeName(InputType type) => type switch
    {
        InputType.String => "string",
        InputType.Integer => "integer",
        InputType.Number => "number",
        InputType.Boolean => "boolean",
        InputType.StringArray => "list of strings",
        InputType.StringMap => "map of strings",
        InputType.Object => "object",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no docs name for this input type"),
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Format(double d) => Numbers.Exact(d);
}
