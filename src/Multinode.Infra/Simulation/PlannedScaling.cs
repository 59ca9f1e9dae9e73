using System.Globalization;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Simulation;

/// <summary>
/// The per-worker scale-in of the worker sidecar (issue 13): an idle worker ends its own instance once it has been idle
/// for <see cref="CooldownSeconds"/> and the group has more workers in service than in-flight + <see cref="SpareWorkers"/>.
/// Present only when the plan gives the worker these settings, so the simulation follows what is deployed.
/// </summary>
public sealed record WorkerRule(int CooldownSeconds, int SpareWorkers)
{
    /// <summary>The worker's confirm window: cooldown / 10 within 2..30 s (src/Multinode.Worker/Program.cs).</summary>
    public int ConfirmSeconds => Math.Clamp(CooldownSeconds / 10, 2, 30);
}

/// <summary>
/// Reads a workload's planned children (by type token and name suffix) into the numbers the platform models run on:
/// the simulation tests what is deployed, not what was declared.
/// </summary>
public static partial class PlannedScaling
{
    /// <summary>Whether the plan holds a child of this type.</summary>
    internal static bool Has(WorkloadPlan plan, string type) => plan.Resources.Any(r => r.Type == type);

    internal static PlannedResource Child(WorkloadPlan plan, string type, string name) =>
        plan.Resources.FirstOrDefault(r => r.Type == type && r.Name == name)
        ?? throw new InvalidOperationException($"{plan.Workload.Label}: the plan has no {type} named \"{name}\"");

    internal static PropertyValue? At(PropertyValue? value, params string[] path)
    {
        foreach (var key in path)
        {
            if (value is SecretValue s) value = s.Value;
            value = value is ObjectValue o ? o.Map.Get(key) : null;
        }
        return value is SecretValue secret ? secret.Value : value;
    }

    internal static double? Number(PropertyValue? value) => value switch
    {
        NumberValue n => n.Value,
        StringValue s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    internal static string? Text(PropertyValue? value) => value is StringValue s ? s.Value : null;

    internal static IEnumerable<PropertyValue> Items(PropertyValue? value) => value is ArrayValue a ? a.Items : [];

    internal static PropertyValue Inputs(PlannedResource r) => PropertyValue.From(r.Inputs);

    internal static string Known(string resource, string property, string value, params string[] known) =>
        known.Contains(value, StringComparer.Ordinal) ? value
            : throw new InvalidOperationException($"{resource}: {property} = \"{value}\" has no simulation model (known: {string.Join(", ", known)})");

    internal static WorkerRule? WorkerRuleFrom(int? cooldown, int? spare) =>
        cooldown is { } c ? new WorkerRule(c, spare ?? 0) : null;
}
