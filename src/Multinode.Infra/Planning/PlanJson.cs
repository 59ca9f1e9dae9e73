using System.Text;
using System.Text.Json;
using Multinode.Infra.Values;

namespace Multinode.Infra.Planning;

/// <summary>The plan as JSON: what `multinode plan --format json` prints and what golden files hold.
/// Unknowns print as {"unknown":true}, secrets as {"secret":true} with the value withheld.</summary>
public static class PlanJson
{
    /// <summary>The plan as one string (golden files, tests).</summary>
    public static string Write(Plan plan) => JsonOutput.Write(w => Write(w, plan));

    /// <summary>The plan streamed to <paramref name="output"/> resource by resource: memory stays that of the plan.</summary>
    public static void Write(Plan plan, TextWriter output) => JsonOutput.Write(output, w => Write(w, plan));

    /// <summary>The plan streamed as UTF-8 bytes to <paramref name="output"/> (the CLI's standard output).</summary>
    public static void Write(Plan plan, Stream output) => JsonOutput.Write(output, w => Write(w, plan));

    /// <summary>One workload's plan on its own (golden files hold one per kind and target).</summary>
    public static string Write(WorkloadPlan workload, Configuration.ProviderConfig config) =>
        Write(new Plan(config, [workload]));

    private static void Write(Utf8JsonWriter w, Plan plan)
    {
        w.WriteStartObject();
        w.WriteString("target", plan.Config.Target.Name);
        w.WriteStartArray("workloads");
        foreach (var workload in plan.Workloads)
        {
            WriteWorkload(w, workload);
            JsonOutput.FlushIfFull(w);
        }
        w.WriteEndArray();
        w.WriteStartArray("resources");
        foreach (var workload in plan.Workloads)
        {
            foreach (var resource in workload.Resources) WriteResource(w, workload.Workload.Name, resource);
            JsonOutput.FlushIfFull(w);
        }
        w.WriteEndArray();
        w.WriteStartObject("totals");
        WriteSummary(w, plan.Totals);
        w.WriteEndObject();
        var catalog = Catalog.InstanceCatalog.Default;
        w.WriteStartObject("pricing");
        w.WriteString("basis", "on-demand");
        w.WriteString("region", catalog.Region);
        w.WriteString("date", catalog.Date);
        w.WriteString("note", plan.PricingNote);
        w.WriteEndObject();
        if (plan.Warnings.Count > 0)
        {
            w.WriteStartArray("warnings");
            foreach (var warning in plan.Warnings) w.WriteStringValue(warning.ToString());
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

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

    /// <summary>A summary's figures; cost as a number with its basis beside it. Facts, labelled for people
    /// ("price per instance-hour"), take camelCase keys like every other key ("pricePerInstanceHour").</summary>
    public static void WriteSummary(Utf8JsonWriter w, PlanSummary summary, bool workers = true)
    {
        if (workers) w.WriteNumber("maxWorkers", summary.MaxWorkers);
        w.WriteNumber("maxCpu", summary.MaxCpu);
        w.WriteString("maxMemory", summary.MaxMemory.ToString());
        w.WriteNumber("maxGpus", summary.MaxGpus);
        if (summary.MaxHourlyCost is { } cost) WriteCost(w, "maxHourlyCost", decimal.Round(cost, 4));
        foreach (var (label, value) in summary.Facts) w.WriteString(Key(label), value);
    }

    /// <summary>Fact labels are the targets' own few constants, written once per workload: each is converted once.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Keys = new(StringComparer.Ordinal);

    private static string Key(string label) =>
        Keys.TryGetValue(label, out var key) ? key : Keys.Count < 1024 ? Keys.GetOrAdd(label, CamelCase) : CamelCase(label);

    private static readonly string CostBasis = $"estimate: {Pricing.Basis}";

    /// <summary>A cost figure and, once per object, the basis it is estimated on.</summary>
    public static void WriteCost(Utf8JsonWriter w, string name, decimal amount, bool basis = true)
    {
        w.WriteNumber(name, Numbers.Normalize(amount));
        if (basis) w.WriteString("costBasis", CostBasis);
    }

    /// <summary>A label as a JSON key: "price per instance-hour" → "pricePerInstanceHour", "GPU nodes" → "gpuNodes";
    /// a key already in camelCase ("certificateArn") stays as it is.</summary>
    public static string CamelCase(string label)
    {
        var words = label.Split([' ', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var key = new StringBuilder(label.Length);
        foreach (var word in words)
        {
            if (key.Length == 0)
                key.Append(word.All(char.IsUpper) ? word.ToLowerInvariant() : char.ToLowerInvariant(word[0]) + word[1..]);
            else
                key.Append(char.ToUpperInvariant(word[0])).Append(word.All(char.IsUpper) ? word[1..].ToLowerInvariant() : word[1..]);
        }
        return key.ToString();
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
}
