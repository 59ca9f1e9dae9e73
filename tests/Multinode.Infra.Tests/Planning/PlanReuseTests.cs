using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

/// <summary>A diff plans the head against the base: a workload declared exactly alike under the same config takes the
/// base's plan, and the head's plan is the one planning it alone gives.</summary>
public sealed class PlanReuseTests
{
    private const string Kubernetes = "{ target: kubernetes }";

    private static ProgramDeclaration Program(string config, params (string Name, string Properties)[] functions) =>
        new([.. functions.Select(f => new ResourceDeclaration(f.Name, "multinode:index:Function", Yaml.Map(f.Properties)))], Yaml.Map(config));

    private static string Json(Plan plan)
    {
        var text = new StringWriter();
        PlanJson.Write(plan, text);
        return text.ToString();
    }

    private static (Plan Before, Plan After) PlanBoth(ProgramDeclaration before, ProgramDeclaration after)
    {
        var first = Planner.Plan(before, KindRegistry.Default).Value!;
        var second = Planner.Plan(after, before, first, KindRegistry.Default);
        Assert.True(second.IsValid, string.Join("\n", second.Failures));
        Assert.Equal(Json(Planner.Plan(after, KindRegistry.Default).Value!), Json(second.Value!));
        return (first, second.Value!);
    }

    [Fact]
    public void Plan_AgainstEarlier_TakesUnchangedWorkloadsAndPlansChangedOnes()
    {
        var (before, after) = PlanBoth(
            Program(Kubernetes, ("a", "{ image: a:1, maxWorkers: 3 }"), ("b", "{ image: b:1, maxWorkers: 3 }")),
            Program(Kubernetes, ("a", "{ image: a:1, maxWorkers: 3 }"), ("b", "{ image: b:1, maxWorkers: 9 }")));
        Assert.Same(before.Workloads[0], after.Workloads[0]);
        Assert.NotSame(before.Workloads[1], after.Workloads[1]);
        Assert.Equal(9, after.Workloads[1].Workload.MaxWorkers);
    }

    [Fact]
    public void Plan_AgainstEarlier_OtherConfig_PlansEveryWorkload()
    {
        var (before, after) = PlanBoth(
            Program(Kubernetes, ("a", "{ image: a:1 }")),
            Program("{ target: kubernetes, kubernetes: { namespace: other } }", ("a", "{ image: a:1 }")));
        Assert.NotSame(before.Workloads[0], after.Workloads[0]);
    }

    [Fact]
    public void Plan_AgainstEarlier_MapWrittenInAnotherOrder_PlansItAgain()
    {
        // Equal as values (map order aside), but not written alike: only a declaration written the same is reused.
        var (before, after) = PlanBoth(
            Program(Kubernetes, ("a", "{ image: a:1, tags: { x: '1', y: '2' } }")),
            Program(Kubernetes, ("a", "{ image: a:1, tags: { y: '2', x: '1' } }")));
        Assert.Equal(before.Workloads[0].Workload.Container.Tags, after.Workloads[0].Workload.Container.Tags);
        Assert.NotSame(before.Workloads[0], after.Workloads[0]);
    }

    [Fact]
    public void Plan_AgainstEarlier_UnchangedDeclarationWithWarnings_WarnsAgain()
    {
        // "@daily" is planned as a cron expression, with a warning: the head, written alike, must warn too.
        static ProgramDeclaration Tasks(int count) => new(
            [.. Enumerable.Range(0, count).Select(i => new ResourceDeclaration($"t{i}", "multinode:index:ScheduledTask",
                Yaml.Map("{ image: t:1, schedule: '@daily' }")))], Yaml.Map(Kubernetes));
        var before = Planner.Plan(Tasks(70), KindRegistry.Default).Value!;
        Assert.Equal(70, before.Warnings.Count);
        var after = Planner.Plan(Tasks(70), Tasks(70), before, KindRegistry.Default);
        Assert.True(after.IsValid);
        Assert.Equal(before.Warnings.Select(w => w.ToString()), after.Value!.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Plan_AgainstEarlier_ManyDeclarationsWithoutWarnings_SameAsPlannedAfresh()
    {
        var program = Program(Kubernetes, [.. Enumerable.Range(0, 70).Select(i => ($"f{i}", $"{{ image: f:{i} }}"))]);
        var before = Planner.Plan(program, KindRegistry.Default).Value!;
        Assert.Empty(before.Warnings);
        var changed = Program(Kubernetes, [.. Enumerable.Range(0, 70).Select(i => ($"f{i}", i == 3 ? "{ image: f:99 }" : $"{{ image: f:{i} }}"))]);
        var after = Planner.Plan(changed, program, before, KindRegistry.Default).Value!;
        Assert.Empty(after.Warnings);
        Assert.Equal(PropertyValue.From("f:99"), after.Workloads[3].Workload.Container.Image);
        Assert.Equal(Json(Planner.Plan(changed, KindRegistry.Default).Value!), Json(after));
    }

    /// <summary>What a diff shows, child by child.</summary>
    private static string Shown(PlanDiff diff) => string.Join("\n", diff.Workloads.Select(w =>
        $"{w.Name} {w.Status} [{string.Join(", ", w.Settings.Select(c => $"{c.Path}: {c.Before} -> {c.After}"))}] " +
        string.Join(" ", w.Resources.Select(r =>
            $"{r.Name} {r.Kind} ({string.Join(", ", r.Changes.Select(c => $"{c.Path}: {c.Before} -> {c.After}"))}) [{string.Join(", ", r.ReplacedBy)}]"))));

    [Fact]
    public void Diff_AgainstReusedPlans_SameAsAgainstPlansMadeAfresh()
    {
        // a and c are reused; a's image is unknown, so its children still change; b changes.
        var before = Program(Kubernetes, ("a", "{ image: '${repo.url}' }"), ("b", "{ image: b:1, maxWorkers: 3 }"), ("c", "{ image: c:1 }"));
        var after = Program(Kubernetes, ("a", "{ image: '${repo.url}' }"), ("b", "{ image: b:1, maxWorkers: 5 }"), ("c", "{ image: c:1 }"));
        var (basePlan, reused) = PlanBoth(before, after);
        Assert.Same(basePlan.Workloads[0], reused.Workloads[0]);
        var diff = PlanDiff.Compute(basePlan, reused);
        Assert.Equal(Shown(PlanDiff.Compute(basePlan, Planner.Plan(after, KindRegistry.Default).Value!)), Shown(diff));
        Assert.Equal([WorkloadStatus.Changed, WorkloadStatus.Changed, WorkloadStatus.Unchanged], diff.Workloads.Select(w => w.Status));
        Assert.Contains(diff.Workloads[0].Resources, r => r.Kind == ChangeKind.Update && r.Changes.Any(c => c.After is UnknownValue));
    }
}
