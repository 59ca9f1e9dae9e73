using System.Globalization;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Xunit.Sdk;

namespace Multinode.Infra.Tests;

/// <summary>The one set of plan assertions for every target's tests: find a planned child and read its inputs by
/// path. Paths are dotted names with "[i]" indexing lists, as Pulumi writes property paths
/// ("spec.template.spec.containers[0].image", "stepAdjustments[0].scalingAdjustment"). <see cref="At(PlannedResource, string)"/>
/// fails the test when the path is absent; <see cref="Find(PlannedResource, string)"/> is for asserting absence.</summary>
public static class PlanAssertions
{
    /// <summary>The child named <paramref name="name"/>; fails listing the children there are.</summary>
    public static PlannedResource Child(this WorkloadPlan plan, string name) =>
        plan.Resources.SingleOrDefault(r => r.Name == name) ??
        throw new XunitException($"no child {name}; children: {string.Join(", ", plan.Resources.Select(r => r.Name))}");

    /// <summary>The only child of type <paramref name="type"/>; fails when there is none or more than one.</summary>
    public static PlannedResource OfType(this WorkloadPlan plan, string type)
    {
        var matches = plan.Resources.Where(r => r.Type == type).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new XunitException($"{matches.Count} children of type {type} (expected one); children: {string.Join(", ", plan.Resources.Select(r => $"{r.Name} ({r.Type})"))}");
    }

    /// <summary>The input at <paramref name="path"/>; fails naming where the path stopped.</summary>
    public static PropertyValue At(this PlannedResource resource, string path) => At(PropertyValue.From(resource.Inputs), path, resource.Name);

    /// <summary>The value at <paramref name="path"/> inside <paramref name="value"/>; fails naming where the path stopped.</summary>
    public static PropertyValue At(this PropertyValue value, string path) => At(value, path, "the value");

    /// <summary>The input at <paramref name="path"/>, or null when the path is absent.</summary>
    public static PropertyValue? Find(this PlannedResource resource, string path) => Walk(PropertyValue.From(resource.Inputs), path, out _);

    /// <summary>The value at <paramref name="path"/> inside <paramref name="value"/>, or null when the path is absent.</summary>
    public static PropertyValue? Find(this PropertyValue value, string path) => Walk(value, path, out _);

    /// <summary>The string input at <paramref name="path"/>; fails when absent or not a string.</summary>
    public static string Text(this PlannedResource resource, string path) =>
        resource.At(path) is StringValue s ? s.Value : throw new XunitException($"{resource.Name}.{path} is {resource.At(path).ToJson()}, not a string");

    /// <summary>The number input at <paramref name="path"/>; fails when absent or not a number.</summary>
    public static double Number(this PlannedResource resource, string path) =>
        resource.At(path) is NumberValue n ? n.Value : throw new XunitException($"{resource.Name}.{path} is {resource.At(path).ToJson()}, not a number");

    private static PropertyValue At(PropertyValue value, string path, string where) =>
        Walk(value, path, out var stopped) ?? throw new XunitException($"{where} has no {path} (stopped at {stopped})");

    private static PropertyValue? Walk(PropertyValue value, string path, out string stopped)
    {
        PropertyValue current = value;
        foreach (var part in path.Split('.'))
        {
            stopped = part;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? part[..bracket] : part;
            if (name.Length > 0)
            {
                if (current is not ObjectValue o || !o.Map.TryGetValue(name, out var child)) return null;
                current = child;
            }
            for (var rest = bracket >= 0 ? part[bracket..] : ""; rest.Length > 0;)
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                var index = int.Parse(rest[1..close], CultureInfo.InvariantCulture);
                if (current is not ArrayValue a || index >= a.Items.Count) return null;
                current = a.Items[index];
                rest = rest[(close + 1)..];
            }
        }
        stopped = "";
        return current;
    }
}
