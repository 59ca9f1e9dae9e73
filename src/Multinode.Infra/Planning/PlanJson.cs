using System.Globalization;
using System.Text;
using System.Text.Json;
using Multinode.Infra.Values;

namespace Multinode.Infra.Planning;

/// <summary>The plan as JSON: what `multinode plan --format json` prints and what golden files hold.
/// Unknowns print as {"unknown":true}, secrets as {"secret":true} with the value withheld.</summary>
public static class PlanJson
{
    public static string Write(Plan plan)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            w.WriteStartObject();
            w.WriteString("target", plan.Config.Target.Name);
            w.WriteStartArray("workloads");
            foreach (var workload in plan.Workloads) WriteWorkload(w, workload);
            w.WriteEndArray();
            w.WriteStartArray("resources");
            foreach (var workload in plan.Workloads)
                foreach (var resource in workload.Resources)
                    WriteResource(w, workload.Workload.Name, resource);
            w.WriteEndArray();
            w.WriteStartObject("totals");
            WriteSummary(w, Totals(plan));
            w.WriteEndObject();
            var catalog = Catalog.InstanceCatalog.Default;
            w.WriteStartObject("pricing");
            w.WriteString("basis", "on-demand");
            w.WriteString("region", catalog.Region);
            w.WriteString("date", catalog.Date);
            w.WriteString("note", PricingNote(plan));
            w.WriteEndObject();
            if (plan.Warnings.Count > 0)
            {
                w.WriteStartArray("warnings");
                foreach (var warning in plan.Warnings) w.WriteStringValue(warning.ToString());
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>One workload's plan on its own (golden files hold one per kind and target).</summary>
    public static string Write(WorkloadPlan workload, Configuration.ProviderConfig config) =>
        Write(new Plan(config, [workload]));

    /// <summary>Where the plan's cost figures come from and what they assume.</summary>
    public static string PricingNote(Plan plan) => plan.Config.Target.PricingNote(Catalog.InstanceCatalog.Default);

    /// <summary>Capacity and cost of every workload at maximum scale together.</summary>
    public static PlanSummary Totals(Plan plan) => new()
    {
        MaxWorkers = plan.Workloads.Sum(w => w.Summary.MaxWorkers),
        MaxCpu = plan.Workloads.Sum(w => w.Summary.MaxCpu),
        MaxMemory = new Workloads.Memory(plan.Workloads.Sum(w => w.Summary.MaxMemory.Bytes)),
        MaxGpus = plan.Workloads.Sum(w => w.Summary.MaxGpus),
        MaxHourlyCost = plan.Workloads.All(w => w.Summary.MaxHourlyCost is not null) && plan.Workloads.Count > 0
            ? plan.Workloads.Sum(w => w.Summary.MaxHourlyCost!.Value)
            : null,
    };

    private static void WriteWorkload(Utf8JsonWriter w, WorkloadPlan plan)
    {
        w.WriteStartObject();
        w.WriteString("name", plan.Workload.Name);
        w.WriteString("kind", plan.Workload.Kind.Token);
        w.WritePropertyName("settings");
        PropertyValue.From(plan.Workload.Settings()).WriteJson(w);
        w.WritePropertyName("outputs");
        PropertyValue.From(plan.Outputs).WriteJson(w);
        w.WriteStartObject("summary");
        WriteSummary(w, plan.Summary);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter w, PlanSummary summary)
    {
        w.WriteNumber("maxWorkers", summary.MaxWorkers);
        w.WriteNumber("maxCpu", summary.MaxCpu);
        w.WriteString("maxMemory", summary.MaxMemory.ToString());
        w.WriteNumber("maxGpus", summary.MaxGpus);
        if (summary.MaxHourlyCost is { } cost)
        {
            w.WriteNumber("maxHourlyCost", Normalize(decimal.Round(cost, 4)));
            w.WriteString("costBasis", $"estimate: {CostBasis}");
        }
        foreach (var (label, value) in summary.Facts) w.WriteString(label, value);
    }

    private static void WriteResource(Utf8JsonWriter w, string parent, PlannedResource resource)
    {
        w.WriteStartObject();
        w.WriteString("type", resource.Type);
        w.WriteString("name", resource.Name);
        w.WriteString("parent", parent);
        w.WriteStartArray("dependsOn");
        foreach (var d in resource.DependsOn) w.WriteStringValue(d);
        w.WriteEndArray();
        w.WritePropertyName("inputs");
        PropertyValue.From(resource.Inputs).WriteJson(w);
        var o = resource.Options;
        if (o.ReplaceOnChanges.Count > 0 || o.IgnoreChanges.Count > 0 || o.DeleteBeforeReplace || o.AdditionalSecretOutputs.Count > 0)
        {
            w.WriteStartObject("options");
            WriteList(w, "replaceOnChanges", o.ReplaceOnChanges);
            WriteList(w, "ignoreChanges", o.IgnoreChanges);
            if (o.DeleteBeforeReplace) w.WriteBoolean("deleteBeforeReplace", true);
            WriteList(w, "additionalSecretOutputs", o.AdditionalSecretOutputs);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }

    /// <summary>Drops trailing zeros (0.8320 → 0.832) so figures print the same whatever their arithmetic.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>What every cost figure is: an estimate from the dated catalog, "on-demand, us-east-1, catalog 2025-05-01".</summary>
    public static string CostBasis => $"on-demand, {Catalog.InstanceCatalog.Default.Region}, catalog {Catalog.InstanceCatalog.Default.Date}";

    /// <summary>An hourly cost as the estimate it is: "≈ $1.23/h (on-demand, us-east-1, catalog 2025-05-01)".</summary>
    public static string Estimate(decimal perHour) => $"≈ {Dollars(decimal.Round(perHour, 4))}/h ({CostBasis})";

    /// <summary>Money as people read it: "$1.2345".</summary>
    public static string Dollars(decimal amount) => "$" + amount.ToString("0.####", CultureInfo.InvariantCulture);
}
