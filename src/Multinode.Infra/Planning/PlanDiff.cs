using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>What happens to one child resource between two plans, by the rules the engine uses.</summary>
public enum ChangeKind
{
    Same,
    Create,
    Update,
    Replace,
    Delete,
}

/// <summary>What happens to one workload between two plans.</summary>
public enum WorkloadStatus
{
    Unchanged,
    Changed,
    Added,
    Removed,

    /// <summary>Removed under one name and added under another with the same declaration: all children replaced.</summary>
    Renamed,
}

/// <summary>One leaf value that differs; null on a side where the path does not exist.</summary>
public sealed record PropertyChange(string Path, PropertyValue? Before, PropertyValue? After);

/// <summary>One child resource's change, the changed input paths and which of them force replacement.</summary>
public sealed record ResourceChange(string Type, string Name, ChangeKind Kind, IReadOnlyList<PropertyChange> Changes,
    IReadOnlyList<string> ReplacedBy);

/// <summary>One workload's settings and children, before and after.</summary>
public sealed record WorkloadDiff(string Name, WorkloadKind Kind, WorkloadStatus Status, string? RenamedFrom,
    IReadOnlyList<PropertyChange> Settings, IReadOnlyList<ResourceChange> Resources, WorkloadPlan? Before, WorkloadPlan? After)
{
    public int Count(ChangeKind kind) => Resources.Count(r => r.Kind == kind);
}

/// <summary>
/// The difference between two plans of the same program: settings old → new per workload, and each child
/// created, updated in place, replaced or deleted. A child is identified by type and name (its URN); a change
/// to an input path the plan declares in <see cref="ResourceOptions.ReplaceOnChanges"/> replaces it.
/// </summary>
public sealed record PlanDiff(Plan Base, Plan Head, IReadOnlyList<WorkloadDiff> Workloads)
{
    /// <summary>No workload and no config key changed.</summary>
    public bool IsEmpty => Workloads.All(w => w.Status == WorkloadStatus.Unchanged) && ConfigChanges.Count == 0;

    public int Count(ChangeKind kind) => Workloads.Sum(w => w.Count(kind));

    /// <summary>The multinode config keys whose values differ between the two sides (budget, quotas, target, …).</summary>
    public IReadOnlyList<PropertyChange> ConfigChanges =>
        Changes(PropertyValue.From(Settings(Base.Config)), PropertyValue.From(Settings(Head.Config)), "");

    /// <summary>The config as the keys a program writes, absent keys left out.</summary>
    public static PropertyMap Settings(Configuration.ProviderConfig config)
    {
        var entries = new List<KeyValuePair<string, PropertyValue>> { new("target", config.Target.Name) };
        void Add(string key, PropertyValue? value)
        {
            if (value is not null) entries.Add(new(key, value));
        }
        foreach (var (key, value) in config.TargetConfig.Settings()) Add(key, value);
        Add("quotas.cpu", config.Quotas.Cpu is { } cpu ? cpu : null);
        Add("quotas.memory", config.Quotas.Memory is { } memory ? PropertyValue.From(memory.ToString()) : null);
        Add("quotas.gpu", config.Quotas.Gpu is { } gpu ? gpu : null);
        Add("maxHourlyCost", config.MaxHourlyCost is { } cost ? cost : null);
        return new PropertyMap(entries);
    }

    public static PlanDiff Compute(Plan before, Plan after)
    {
        var diffs = new List<WorkloadDiff>();
        var beforeByName = before.Workloads.ToDictionary(w => w.Workload.Name, StringComparer.Ordinal);
        var afterNames = after.Workloads.Select(w => w.Workload.Name).ToHashSet(StringComparer.Ordinal);
        var removed = before.Workloads.Where(w => !afterNames.Contains(w.Workload.Name)).ToList();

        foreach (var head in after.Workloads)
        {
            if (beforeByName.TryGetValue(head.Workload.Name, out var old))
            {
                diffs.Add(Compare(old, head, WorkloadStatus.Changed, null));
                continue;
            }
            // A rename: same kind and identical settings under a new name. Every child gets a new URN.
            var renamed = removed.FirstOrDefault(r => r.Workload.Kind == head.Workload.Kind && r.Workload.Settings().Equals(head.Workload.Settings()));
            if (renamed is not null)
            {
                removed.Remove(renamed);
                diffs.Add(Compare(renamed, head, WorkloadStatus.Renamed, renamed.Workload.Name));
                continue;
            }
            diffs.Add(Compare(null, head, WorkloadStatus.Added, null));
        }
        diffs.AddRange(removed.Select(r => Compare(r, null, WorkloadStatus.Removed, null)));
        return new PlanDiff(before, after, Propagate(diffs, after));
    }

    /// <summary>
    /// Follows changed outputs to the children that read them, as the engine would see them: an input that refers
    /// to an output of a replaced child, or to an output that an in-place update renews
    /// (<see cref="PlannedResource.UpdatedOutputs"/>), changes too — an update, or a replacement when that input
    /// forces one — until nothing more changes.
    /// </summary>
    private static List<WorkloadDiff> Propagate(List<WorkloadDiff> diffs, Plan after)
    {
        var planned = after.Workloads.SelectMany(w => w.Resources).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var changes = diffs.SelectMany(w => w.Resources).Where(r => r.Kind != ChangeKind.Delete).ToDictionary(r => r.Name, StringComparer.Ordinal);
        bool Renews(ReferenceValue reference) =>
            changes.TryGetValue(reference.Resource, out var change) &&
            (change.Kind == ChangeKind.Replace ||
             (change.Kind == ChangeKind.Update && planned[reference.Resource].UpdatedOutputs.Contains(reference.Property)));
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (name, change) in changes.ToList())
            {
                if (change.Kind is not (ChangeKind.Same or ChangeKind.Update) || !planned.TryGetValue(name, out var resource)) continue;
                var known = change.Changes.Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
                var renewed = ReferencePaths(PropertyValue.From(resource.Inputs), "")
                    .Where(r => Renews(r.Reference) && !known.Contains(r.Path))
                    .Select(r => new PropertyChange(r.Path, r.Value, PropertyValue.Unknown))
                    .DistinctBy(c => c.Path)
                    .ToList();
                if (renewed.Count == 0) continue;
                var all = change.Changes.Concat(renewed).ToList();
                var replacedBy = resource.Options.ReplaceOnChanges.Where(rule => all.Any(c => Covers(rule, c.Path))).ToList();
                changes[name] = change with
                {
                    Kind = replacedBy.Count > 0 ? ChangeKind.Replace : ChangeKind.Update,
                    Changes = all,
                    ReplacedBy = replacedBy,
                };
                changed = true;
            }
        }
        return [.. diffs.Select(w =>
        {
            var resources = w.Resources.Select(r => r.Kind == ChangeKind.Delete ? r : changes[r.Name]).ToList();
            var status = w.Status == WorkloadStatus.Unchanged && resources.Any(r => r.Kind != ChangeKind.Same) ? WorkloadStatus.Changed : w.Status;
            return w with { Resources = resources, Status = status };
        })];
    }

    /// <summary>Every input path holding a reference to another child, with the value at that path.</summary>
    private static IEnumerable<(string Path, PropertyValue Value, ReferenceValue Reference)> ReferencePaths(PropertyValue value, string path)
    {
        switch (value)
        {
            case ReferenceValue r:
                yield return (path, value, r);
                break;
            case InterpolationValue i:
                foreach (var r in i.Parts.OfType<ReferenceValue>()) yield return (path, value, r);
                break;
            case SecretValue s:
                foreach (var inner in ReferencePaths(s.Value, path)) yield return inner with { Value = value };
                break;
            case ArrayValue a:
                for (var k = 0; k < a.Items.Count; k++)
                    foreach (var inner in ReferencePaths(a.Items[k], $"{path}[{k}]")) yield return inner;
                break;
            case ObjectValue o:
                foreach (var (key, item) in o.Map)
                    foreach (var inner in ReferencePaths(item, path.Length == 0 ? key : $"{path}.{key}")) yield return inner;
                break;
        }
    }

    private static WorkloadDiff Compare(WorkloadPlan? before, WorkloadPlan? after, WorkloadStatus status, string? renamedFrom)
    {
        var settings = Changes(
            before is null ? null : PropertyValue.From(before.Workload.Settings()),
            after is null ? null : PropertyValue.From(after.Workload.Settings()), "");
        var resources = new List<ResourceChange>();
        var beforeResources = before?.Resources ?? [];
        var afterResources = after?.Resources ?? [];
        static (string, string) Key(PlannedResource r) => (r.Type, r.Name);
        var oldByKey = beforeResources.ToDictionary(Key);
        foreach (var resource in afterResources)
        {
            if (status != WorkloadStatus.Renamed && oldByKey.Remove(Key(resource), out var old))
                resources.Add(Compare(old, resource));
            else
                resources.Add(new ResourceChange(resource.Type, resource.Name, ChangeKind.Create, [], []));
        }
        var deleted = status == WorkloadStatus.Renamed ? beforeResources : beforeResources.Where(r => oldByKey.ContainsKey(Key(r)));
        resources.AddRange(deleted.Select(r => new ResourceChange(r.Type, r.Name, ChangeKind.Delete, [], [])));
        if (status == WorkloadStatus.Changed && settings.Count == 0 && resources.All(r => r.Kind == ChangeKind.Same))
            status = WorkloadStatus.Unchanged;
        var workload = (after ?? before)!.Workload;
        return new WorkloadDiff(workload.Name, workload.Kind, status, renamedFrom, settings, resources, before, after);
    }

    private static ResourceChange Compare(PlannedResource before, PlannedResource after)
    {
        var changes = Changes(PropertyValue.From(before.Inputs), PropertyValue.From(after.Inputs), "");
        if (changes.Count == 0)
            return new ResourceChange(after.Type, after.Name, ChangeKind.Same, [], []);
        var replacedBy = after.Options.ReplaceOnChanges
            .Where(rule => changes.Any(c => Covers(rule, c.Path)))
            .ToList();
        return new ResourceChange(after.Type, after.Name, replacedBy.Count > 0 ? ChangeKind.Replace : ChangeKind.Update, changes, replacedBy);
    }

    /// <summary>Pulumi's replaceOnChanges path rules: "*" matches everything, a path matches itself and what is under it.</summary>
    public static bool Covers(string rule, string path) =>
        rule == "*" || path == rule ||
        path.StartsWith(rule + ".", StringComparison.Ordinal) || path.StartsWith(rule + "[", StringComparison.Ordinal) ||
        (rule.EndsWith("[*]", StringComparison.Ordinal) && path.StartsWith(rule[..^3] + "[", StringComparison.Ordinal));

    /// <summary>Leaf-level differences. Secrets compare by value but are shown as (secret); an unknown after value
    /// always counts as a change, as the engine must assume it may differ.</summary>
    public static IReadOnlyList<PropertyChange> Changes(PropertyValue? before, PropertyValue? after, string path)
    {
        var changes = new List<PropertyChange>();
        Walk(before, after, path, changes);
        return changes;
    }

    private static void Walk(PropertyValue? before, PropertyValue? after, string path, List<PropertyChange> changes)
    {
        if (before is ObjectValue bo && after is ObjectValue ao)
        {
            foreach (var key in ao.Map.Keys.Concat(bo.Map.Keys.Where(k => !ao.Map.ContainsKey(k))))
                Walk(bo.Map.Get(key), ao.Map.Get(key), path.Length == 0 ? key : $"{path}.{key}", changes);
            return;
        }
        if (before is ArrayValue ba && after is ArrayValue aa)
        {
            for (var i = 0; i < Math.Max(ba.Items.Count, aa.Items.Count); i++)
                Walk(i < ba.Items.Count ? ba.Items[i] : null, i < aa.Items.Count ? aa.Items[i] : null, $"{path}[{i}]", changes);
            return;
        }
        if (before is null && after is ObjectValue { Map.Count: > 0 } onlyAfter)
        {
            foreach (var (key, value) in onlyAfter.Map) Walk(null, value, path.Length == 0 ? key : $"{path}.{key}", changes);
            return;
        }
        if (after is null && before is ObjectValue { Map.Count: > 0 } onlyBefore)
        {
            foreach (var (key, value) in onlyBefore.Map) Walk(value, null, path.Length == 0 ? key : $"{path}.{key}", changes);
            return;
        }
        if (Equals(before, after) && !(after?.ContainsUnknown ?? false)) return;
        changes.Add(new PropertyChange(path, before, after));
    }
}
