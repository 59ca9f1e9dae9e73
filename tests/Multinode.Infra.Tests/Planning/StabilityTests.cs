using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

/// <summary>
/// Preview stability (DESIGN section 6), pinned on both targets: scaling numbers, env values and tags update in
/// place; a new machine shape rolls the launch template or pod template, never a new group or Deployment; a
/// renamed workload replaces everything, loudly.
/// </summary>
public sealed class StabilityTests
{
    private static Plan PlanRoot(string target, params (string From, string To)[] edits)
    {
        var text = File.ReadAllText(Repo.File("Pulumi.yaml"));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        var folder = Directory.CreateTempSubdirectory("multinode-stability-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Pulumi.yaml"), text);
            var (program, _) = ProgramLoader.Load(folder, null, KindRegistry.Default);
            var result = Planner.Plan(program with { Config = program.Config.With("target", target) }, KindRegistry.Default);
            Assert.True(result.IsValid, string.Join("\n", result.Failures));
            Assert.All(result.Value!.Workloads, w => Assert.NotEmpty(w.Resources));
            return result.Value!;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static PlanDiff Diff(string target, params (string From, string To)[] edits) =>
        PlanDiff.Compute(PlanRoot(target), PlanRoot(target, edits));

    private static void AssertOnlyUpdates(PlanDiff diff, string workload)
    {
        var changes = diff.Workloads.Single(w => w.Name == workload).Resources.Where(r => r.Kind != ChangeKind.Same).ToList();
        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.True(c.Kind == ChangeKind.Update, $"{c.Name} ({c.Type}) would be {c.Kind} by {string.Join(", ", c.ReplacedBy)}"));
        Assert.All(diff.Workloads.Where(w => w.Name != workload), w => Assert.Equal(WorkloadStatus.Unchanged, w.Status));
    }

    public static TheoryData<string> Targets() => new() { "aws", "kubernetes" };

    [Theory]
    [MemberData(nameof(Targets))]
    public void ScalingNumberChange_UpdatesInPlace(string target) =>
        AssertOnlyUpdates(Diff(target, ("maxWorkers: 20", "maxWorkers: 30"), ("spareWorkers: 1", "spareWorkers: 2"), ("cooldownPeriod: 300", "cooldownPeriod: 600")), "embed");

    [Theory]
    [MemberData(nameof(Targets))]
    public void ServiceScalingChange_UpdatesInPlace(string target) =>
        AssertOnlyUpdates(Diff(target, ("maxReplicas: 8", "maxReplicas: 12"), ("targetCpuUtilization: 0.65", "targetCpuUtilization: 0.7")), "api");

    [Theory]
    [MemberData(nameof(Targets))]
    public void EnvValueChange_UpdatesInPlace(string target) =>
        AssertOnlyUpdates(Diff(target, ("MODEL: all-MiniLM-L6-v2", "MODEL: all-mpnet-base-v2")), "embed");

    [Theory]
    [MemberData(nameof(Targets))]
    public void TagChange_UpdatesInPlace(string target) =>
        AssertOnlyUpdates(Diff(target, ("team: platform", "team: search")), "api");

    [Theory]
    [MemberData(nameof(Targets))]
    public void JobConcurrencyChange_UpdatesInPlace(string target) =>
        AssertOnlyUpdates(Diff(target, ("maxConcurrency: 5", "maxConcurrency: 9")), "transcode");

    [Theory]
    [InlineData("aws", "aws:ec2/launchTemplate:LaunchTemplate")]
    [InlineData("kubernetes", "kubernetes:apps/v1:Deployment")]
    public void MachineShapeChange_RollsTheTemplateOnly(string target, string template)
    {
        var diff = Diff(target, ("        cpu: 2\n        memory: 4Gi", "        cpu: 4\n        memory: 8Gi"));
        AssertOnlyUpdates(diff, "api");
        var changed = diff.Workloads.Single(w => w.Name == "api").Resources.Where(r => r.Kind == ChangeKind.Update).ToList();
        Assert.Contains(changed, c => c.Type == template);
        if (target == "aws")
        {
            // The group is updated in place to the template's new version: no new group.
            var group = Assert.Single(changed, c => c.Type is "aws:autoscaling/group:Group");
            Assert.Equal(["launchTemplate.version"], group.Changes.Select(c => c.Path));
        }
        if (target == "kubernetes")
        {
            var changes = changed.Single(c => c.Type == template).Changes;
            Assert.NotEmpty(changes);
            Assert.All(changes, c => Assert.StartsWith("spec.template.", c.Path, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void RenamedWorkload_ReplacesEveryChildAndIsCalledOut(string target)
    {
        var before = PlanRoot(target);
        var diff = PlanDiff.Compute(before, PlanRoot(target, ("  ingest:\n", "  ingester:\n")));
        var renamed = Assert.Single(diff.Workloads, w => w.Status == WorkloadStatus.Renamed);
        Assert.Equal("ingest", renamed.RenamedFrom);
        var oldChildren = before.Workloads.Single(w => w.Workload.Name == "ingest").Resources.Count;
        Assert.Equal(oldChildren, renamed.Count(ChangeKind.Delete));
        Assert.Equal(oldChildren, renamed.Count(ChangeKind.Create));
        Assert.Contains("Workload `ingest` is renamed to `ingester`", DiffPrinter.Markdown(diff, "a", "b"), StringComparison.Ordinal);
    }
}
