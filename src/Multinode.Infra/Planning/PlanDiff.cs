using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>
/// The difference between two plans of the same program: settings old → new per workload, and each child
/// created, updated in place, replaced or deleted. A child is identified by type and name (its URN); a change
/// to an input path the plan declares in <see cref="ResourceOptions.ReplaceOnChanges"/> replaces it.
/// </summary>
public sealed record PlanDiff(Plan Base, Plan Head, IReadOnlyList<WorkloadDiff> Workloads)
{
    // Counted once: printers ask for them again and again.
    private readonly int[] _kinds = WorkloadDiff.CountKinds(Workloads.SelectMany(w => w.Resources));
    private readonly int[] _statuses = CountStatuses(Workloads);

    /// <summary>No workload and no config key changed.</summary>
    public bool IsEmpty => _statuses[(int)WorkloadStatus.Unchanged] == Workloads.Count && ConfigChanges.Count == 0;

    /// <summary>Children with this change over all workloads.</summary>
    public int Count(ChangeKind kind) => _kinds[(int)kind];

    /// <summary>Workloads with this status.</summary>
    public int Count(WorkloadStatus status) => _statuses[(int)status];

    /// <summary>The multinode config keys whose values differ between the two sides (budget, quotas, target, …).</summary>
    public IReadOnlyList<PropertyChange> ConfigChanges { get; } =
        Changes(PropertyValue.From(Settings(Base.Config)), PropertyValue.From(Settings(Head.Config)), "");

    private static int[] CountStatuses(IReadOnlyList<WorkloadDiff> workloads)
    {
        var counts = new int[Enum.GetValues<WorkloadStatus>().Length];
        foreach (var w in workloads) counts[(int)w.Status]++;
        return counts;
    }

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
        // Which base workload each head workload is compared with, in order (renames are matched first come, first
        // served); then every pair is compared on every core, each diff in its place.
        var pairs = new List<(WorkloadPlan? Before, WorkloadPlan? After, WorkloadStatus Status, string? RenamedFrom)>();
        var beforeByName = before.Workloads.ToDictionary(w => w.Workload.Name, StringComparer.Ordinal);
        var afterNames = after.Workloads.Select(w => w.Workload.Name).ToHashSet(StringComparer.Ordinal);
        var removed = before.Workloads.Where(w => !afterNames.Contains(w.Workload.Name)).ToList();
        // Removed workloads by kind and settings, each in declaration order: a rename is found by one lookup.
        var removedBySettings = new Dictionary<(WorkloadKind, PropertyMap), Queue<WorkloadPlan>>();
        foreach (var r in removed)
        {
            var key = (r.Workload.Kind, r.Workload.Settings());
            if (!removedBySettings.TryGetValue(key, out var same)) removedBySettings[key] = same = new Queue<WorkloadPlan>();
            same.Enqueue(r);
        }
        var renamedFrom = new HashSet<WorkloadPlan>(ReferenceEqualityComparer.Instance);

        foreach (var head in after.Workloads)
        {
            if (beforeByName.TryGetValue(head.Workload.Name, out var old))
            {
                pairs.Add((old, head, WorkloadStatus.Changed, null));
                continue;
            }
            // A rename: same kind and identical settings under a new name. Every child gets a new URN.
            if (removedBySettings.TryGetValue((head.Workload.Kind, head.Workload.Settings()), out var candidates) &&
                candidates.TryDequeue(out var renamed))
            {
                renamedFrom.Add(renamed);
                pairs.Add((renamed, head, WorkloadStatus.Renamed, renamed.Workload.Name));
                continue;
            }
            pairs.Add((null, head, WorkloadStatus.Added, null));
        }
        pairs.AddRange(removed.Where(r => !renamedFrom.Contains(r)).Select(r => ((WorkloadPlan?)r, (WorkloadPlan?)null, WorkloadStatus.Removed, (string?)null)));
        var diffs = InOrder.Map(pairs, p => Compare(p.Before, p.After, p.Status, p.RenamedFrom), Chunk).ToList();
        return new PlanDiff(before, after, Propagate(diffs, after));
    }

    /// <summary>Workloads compared together on one core.</summary>
    private const int Chunk = 64;

    /// <summary>
    /// Follows changed outputs to the children that read them, as the engine would see them: an input that refers
    /// to an output of a replaced child, or to an output that an in-place update renews
    /// (<see cref="PlannedResource.UpdatedOutputs"/>), changes too — an update, or a replacement when that input
    /// forces one — until nothing more changes.
    /// </summary>
    private static List<WorkloadDiff> Propagate(List<WorkloadDiff> diffs, Plan after)
    {
        // Nothing updated or replaced: no output is renewed, so no reader changes.
        if (!diffs.Any(w => w.Count(ChangeKind.Update) + w.Count(ChangeKind.Replace) > 0)) return diffs;
        // Plain loops into collections of their final size: this runs on one core after the comparison.
        var resources = new List<PlannedResource>(after.ResourceCount);
        foreach (var workload in after.Workloads)
            for (var i = 0; i < workload.Resources.Count; i++) resources.Add(workload.Resources[i]);
        var planned = new Dictionary<string, (PlannedResource Resource, int Index)>(resources.Count, StringComparer.Ordinal);
        foreach (var resource in resources) planned.Add(resource.Name, (resource, planned.Count));
        var changes = new Dictionary<string, ResourceChange>(resources.Count, StringComparer.Ordinal);
        foreach (var workload in diffs)
            for (var i = 0; i < workload.Resources.Count; i++)
                if (workload.Resources[i] is { Kind: not ChangeKind.Delete } change) changes.Add(change.Name, change);
        // Who reads whom, from one pass over the head plan (each child's references are walked once and kept): a change
        // is followed only to its readers, never by re-walking every child until nothing moves.
        var readers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            var sources = resource.InputReferences;
            for (var k = 0; k < sources.Count; k++)
            {
                if (!readers.TryGetValue(sources[k], out var list)) readers[sources[k]] = list = [];
                list.Add(resource.Name);
            }
        }
        bool Renews(ReferenceValue reference) =>
            changes.TryGetValue(reference.Resource, out var change) &&
            (change.Kind == ChangeKind.Replace ||
             (change.Kind == ChangeKind.Update && planned[reference.Resource].Resource.UpdatedOutputs.Contains(reference.Property)));

        // Readers to look at, in plan order, each queued at most once at a time.
        var pending = new PriorityQueue<string, int>();
        var changedHere = new HashSet<string>(StringComparer.Ordinal);
        var queued = new HashSet<string>(StringComparer.Ordinal);
        void ReadersOf(string name)
        {
            foreach (var reader in readers.GetValueOrDefault(name) ?? [])
                if (queued.Add(reader)) pending.Enqueue(reader, planned[reader].Index);
        }
        foreach (var change in changes.Values.Where(c => c.Kind is ChangeKind.Replace or ChangeKind.Update)) ReadersOf(change.Name);
        while (pending.TryDequeue(out var name, out _))
        {
            queued.Remove(name);
            if (!changes.TryGetValue(name, out var change) || change.Kind is not (ChangeKind.Same or ChangeKind.Update)) continue;
            var resource = planned[name].Resource;
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
            changedHere.Add(name);
            ReadersOf(name);
        }
        // Only a workload with a child changed here differs from what Compare made.
        return [.. diffs.Select(w =>
        {
            if (!w.Resources.Any(r => r.Kind != ChangeKind.Delete && changedHere.Contains(r.Name))) return w;
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
            case UnknownValue { Source: { } source }:
                // Made from another child's output: renewed with it.
                foreach (var argument in source.Arguments)
                    foreach (var inner in ReferencePaths(argument, path)) yield return inner with { Value = value };
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
        var afterSettings = after is null ? null : PropertyValue.From(after.Workload.Settings());
        // A workload the head took from the base (Planner.Plan against an earlier plan) is one object on both sides:
        // its settings and children are read once, and Walk skips what both sides share unless it holds an unknown.
        var beforeSettings = before is null ? null
            : ReferenceEquals(before.Workload, after?.Workload) ? afterSettings
            : PropertyValue.From(before.Workload.Settings());
        var settings = Changes(beforeSettings, afterSettings, "");
        var resources = new List<ResourceChange>();
        var beforeResources = before?.Resources ?? [];
        var afterResources = after?.Resources ?? [];
        if (ReferenceEquals(before, after) && status == WorkloadStatus.Changed)
        {
            foreach (var resource in afterResources) resources.Add(Compare(resource, resource));
        }
        else
        {
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
        }
        if (status == WorkloadStatus.Changed && settings.Count == 0 && resources.All(r => r.Kind == ChangeKind.Same))
            status = WorkloadStatus.Unchanged;
        var workload = (after ?? before)!.Workload;
        return new WorkloadDiff(workload.Name, workload.Kind, status, renamedFrom, settings, resources, before, after);
    }

    private static ResourceChange Compare(PlannedResource before, PlannedResource after)
    {
        // A child of a reused plan against itself: only an unknown input can differ (as Walk would find), and whether
        // one is there was worked out with the child's references, in one walk.
        if (ReferenceEquals(before, after) && !after.InputsHoldUnknown)
            return new ResourceChange(after.Type, after.Name, ChangeKind.Same, [], []);
        var changes = Changes(PropertyValue.From(before.Inputs), PropertyValue.From(after.Inputs), "");
        if (changes.Count == 0)
            return new ResourceChange(after.Type, after.Name, ChangeKind.Same, [], []);
        var replacedBy = after.Options.ReplaceOnChanges
            .Where(rule => changes.Any(c => Covers(rule, c.Path)))
            .ToList();
        return new ResourceChange(after.Type, after.Name, replacedBy.Count > 0 ? ChangeKind.Replace : ChangeKind.Update,
            changes, replacedBy) { Immutable = after.Options.ImmutablePaths };
    }

    /// <summary>Pulumi's replaceOnChanges path rules: "*" matches everything, a path matches itself and what is under it.</summary>
    public static bool Covers(string rule, string path) =>
        rule == "*" || path == rule ||
        path.StartsWith(rule + ".", StringComparison.Ordinal) || path.StartsWith(rule + "[", StringComparison.Ordinal) ||
        (rule.EndsWith("[*]", StringComparison.Ordinal) && path.StartsWith(rule[..^3] + "[", StringComparison.Ordinal));

    private static bool Shared(PropertyValue? before, PropertyValue after) =>
        ReferenceEquals(before, after) || (before, after) switch
        {
            (ObjectValue b, ObjectValue a) => ReferenceEquals(b.Map, a.Map),
            (ArrayValue b, ArrayValue a) => ReferenceEquals(b.Items, a.Items),
            _ => false,
        };

    /// <summary>Leaf-level differences. Secrets compare by value but are shown as (secret); an unknown after value
    /// counts as a change unless both sides are unknowns made by the same operation from equal arguments
    /// (<see cref="PropertyValue.UnknownFrom"/>): one of unknown making may differ from anything.</summary>
    public static IReadOnlyList<PropertyChange> Changes(PropertyValue? before, PropertyValue? after, string path)
    {
        var changes = new List<PropertyChange>();
        Walk(before, after, path, changes);
        return changes;
    }

    private static void Walk(PropertyValue? before, PropertyValue? after, string path, List<PropertyChange> changes)
    {
        // Both sides hold the very same value (a reused plan): only its unknowns can differ, so without one there is
        // nothing to walk.
        if (after is not null && Shared(before, after) && !after.ContainsAnonymousUnknown) return;
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
        // Unknowns made of the same things are equal (their provenance); one of unknown making may differ from anything.
        if (Equals(before, after) && !(after?.ContainsAnonymousUnknown ?? false)) return;
        changes.Add(new PropertyChange(path, before, after));
    }
}
