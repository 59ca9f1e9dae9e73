using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class PlanDiffTests
{
    private static readonly ProviderConfig Config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes }"), KindRegistry.Default).Value!;

    private static WorkloadPlan Workload(string name, string yaml, params PlannedResource[] resources)
    {
        var workload = WorkloadReader.Read(FunctionKind.Instance, name, Yaml.Map(yaml)).Value!;
        return new WorkloadPlan(workload, resources, PropertyMap.Empty, Summaries.AtMaximumScale(workload));
    }

    private static PlannedResource Resource(string name, string inputs, params string[] replaceOn) =>
        new("kubernetes:apps/v1:Deployment", name, Yaml.Map(inputs), new ResourceOptions { ReplaceOnChanges = replaceOn });

    private static PlanDiff Diff(WorkloadPlan[] before, WorkloadPlan[] after) =>
        PlanDiff.Compute(new Plan(Config, before), new Plan(Config, after));

    [Fact]
    public void Compute_SamePlans_IsEmpty()
    {
        var plan = Workload("f", "{ image: a }", Resource("f", "{ spec: { replicas: 1 } }"));
        Assert.True(Diff([plan], [plan]).IsEmpty);
    }

    [Fact]
    public void Compute_ChangedInput_IsUpdateInPlace()
    {
        var diff = Diff(
            [Workload("f", "{ image: a, maxWorkers: 20 }", Resource("f", "{ metadata: { name: f }, spec: { max: 20 } }", "metadata.name"))],
            [Workload("f", "{ image: a, maxWorkers: 30 }", Resource("f", "{ metadata: { name: f }, spec: { max: 30 } }", "metadata.name"))]);
        var workload = Assert.Single(diff.Workloads);
        Assert.Equal(WorkloadStatus.Changed, workload.Status);
        Assert.Equal([new PropertyChange("maxWorkers", 20, 30)], workload.Settings);
        var change = Assert.Single(workload.Resources);
        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal([new PropertyChange("spec.max", 20, 30)], change.Changes);
    }

    [Fact]
    public void Compute_ChangeUnderReplaceOnChangesPath_IsReplace()
    {
        var diff = Diff(
            [Workload("f", "{ image: a }", Resource("f", "{ spec: { selector: { app: f } } }", "spec.selector"))],
            [Workload("f", "{ image: a }", Resource("f", "{ spec: { selector: { app: g } } }", "spec.selector"))]);
        var change = Assert.Single(diff.Workloads[0].Resources);
        Assert.Equal(ChangeKind.Replace, change.Kind);
        Assert.Equal(["spec.selector"], change.ReplacedBy);
    }

    [Fact]
    public void Compute_AddedAndRemovedChildren_AreCreateAndDelete()
    {
        var diff = Diff(
            [Workload("f", "{ image: a }", Resource("f-old", "{}"))],
            [Workload("f", "{ image: a }", Resource("f-new", "{}"))]);
        Assert.Equal([("f-new", ChangeKind.Create), ("f-old", ChangeKind.Delete)], diff.Workloads[0].Resources.Select(r => (r.Name, r.Kind)));
    }

    [Fact]
    public void Compute_RenamedWorkload_ReplacesEveryChildAndSaysSo()
    {
        var diff = Diff(
            [Workload("old", "{ image: a }", Resource("old", "{}"))],
            [Workload("new", "{ image: a }", Resource("new", "{}"))]);
        var workload = Assert.Single(diff.Workloads);
        Assert.Equal((WorkloadStatus.Renamed, "old"), (workload.Status, workload.RenamedFrom));
        Assert.Equal([("new", ChangeKind.Create), ("old", ChangeKind.Delete)], workload.Resources.Select(r => (r.Name, r.Kind)));
    }

    [Fact]
    public void Compute_DifferentWorkloads_AreAddedAndRemoved()
    {
        var diff = Diff([Workload("a", "{ image: a }")], [Workload("b", "{ image: b }")]);
        Assert.Equal([("b", WorkloadStatus.Added), ("a", WorkloadStatus.Removed)], diff.Workloads.Select(w => (w.Name, w.Status)));
    }

    [Fact]
    public void Changes_SecretValue_ComparesByValueAndUnknownAlwaysChanges()
    {
        Assert.Empty(PlanDiff.Changes(PropertyValue.Secret("x"), PropertyValue.Secret("x"), "env.T"));
        Assert.Single(PlanDiff.Changes(PropertyValue.Secret("x"), PropertyValue.Secret("y"), "env.T"));
        Assert.Equal([new PropertyChange("image", PropertyValue.Unknown, PropertyValue.Unknown)],
            PlanDiff.Changes(PropertyValue.Unknown, PropertyValue.Unknown, "image"));
    }

    [Fact]
    public void Changes_UnknownsMadeOfTheSameThings_AreNoChange()
    {
        PropertyValue Vpc(string subnet) => PropertyValue.UnknownFrom("aws:ec2/getSubnet:getSubnet.vpcId", subnet);
        Assert.Empty(PlanDiff.Changes(Vpc("subnet-a"), Vpc("subnet-a"), "vpcId"));
        Assert.Equal([new PropertyChange("vpcId", Vpc("subnet-a"), Vpc("subnet-b"))], PlanDiff.Changes(Vpc("subnet-a"), Vpc("subnet-b"), "vpcId"));
        Assert.Single(PlanDiff.Changes("vpc-1", Vpc("subnet-a"), "vpcId"));
    }

    [Fact]
    public void Compute_ReaderOfUnknownMadeFromAReplacedChild_IsRenewedWithIt()
    {
        // c's input is unknown, made from b's id: b is replaced, so that unknown is another value and c is replaced.
        var c = new PlannedResource("t:m:C", "c", new PropertyMap(("b", PropertyValue.UnknownFrom("f", PropertyValue.Reference("b", "id")))),
            new ResourceOptions { ReplaceOnChanges = ["b"] });
        PlannedResource B(int v) => Resource("b", $"{{ v: {v} }}", "v");
        var diff = Diff([Workload("f", "{ image: a }", c, B(1))], [Workload("f", "{ image: a }", c, B(2))]);
        Assert.Equal([("c", ChangeKind.Replace), ("b", ChangeKind.Replace)], diff.Workloads[0].Resources.Select(r => (r.Name, r.Kind)));
    }

    [Theory]
    [InlineData("*", "a.b", true)]
    [InlineData("spec.selector", "spec.selector.app", true)]
    [InlineData("spec.selector", "spec.selectors", false)]
    [InlineData("ports", "ports[0].port", true)]
    [InlineData("ports[*]", "ports[3]", true)]
    [InlineData("metadata.name", "metadata.namespace", false)]
    public void Covers_FollowsReplaceOnChangesPathRules(string rule, string path, bool expected) =>
        Assert.Equal(expected, PlanDiff.Covers(rule, path));

    [Fact]
    public void Compute_UpdateRenewingAnOutput_UpdatesTheChildrenReadingIt()
    {
        PlannedResource Template(int cpu) => new("aws:ec2/launchTemplate:LaunchTemplate", "f-lt", Yaml.Map($"{{ cpu: {cpu} }}"), ResourceOptions.None)
        {
            UpdatedOutputs = ["latestVersion"],
        };
        var group = new PlannedResource("aws:autoscaling/group:Group", "f-asg", new PropertyMap(
            ("launchTemplate", new PropertyMap(("id", PropertyValue.Reference("f-lt", "id")), ("version", PropertyValue.Concat(PropertyValue.Reference("f-lt", "latestVersion")))))),
            ResourceOptions.None);
        var diff = Diff([Workload("f", "{ image: a }", Template(2), group)], [Workload("f", "{ image: a }", Template(4), group)]);
        var asg = diff.Workloads[0].Resources.Single(r => r.Name == "f-asg");
        Assert.Equal(ChangeKind.Update, asg.Kind);
        Assert.Equal(["launchTemplate.version"], asg.Changes.Select(c => c.Path));
    }

    [Fact]
    public void Compute_ReplacedChild_ChangesEveryReferenceAndReplacesWhereThatForcesIt()
    {
        PlannedResource TargetGroup(int port) => Resource("f-tg", $"{{ port: {port} }}", "port");
        var listener = new PlannedResource("aws:lb/listener:Listener", "f-http",
            new PropertyMap(("targetGroupArn", PropertyValue.Reference("f-tg", "arn"))), new ResourceOptions { ReplaceOnChanges = ["targetGroupArn"] });
        var alarm = new PlannedResource("aws:cloudwatch/metricAlarm:MetricAlarm", "f-alarm",
            new PropertyMap(("listener", PropertyValue.Reference("f-http", "arn"))), ResourceOptions.None);
        var diff = Diff([Workload("f", "{ image: a }", TargetGroup(80), listener, alarm)], [Workload("f", "{ image: a }", TargetGroup(8080), listener, alarm)]);
        Assert.Equal([("f-tg", ChangeKind.Replace), ("f-http", ChangeKind.Replace), ("f-alarm", ChangeKind.Update)],
            diff.Workloads[0].Resources.Select(r => (r.Name, r.Kind)));
    }

    [Fact]
    public void Compute_UpdateNotRenewingTheReferencedOutput_LeavesReadersAlone()
    {
        var queue = (int seconds) => Resource("f-queue", $"{{ visibility: {seconds} }}");
        var reader = new PlannedResource("aws:iam/rolePolicy:RolePolicy", "f-policy",
            new PropertyMap(("queue", PropertyValue.Reference("f-queue", "arn"))), ResourceOptions.None);
        var diff = Diff([Workload("f", "{ image: a }", queue(30), reader)], [Workload("f", "{ image: a }", queue(60), reader)]);
        Assert.Equal(ChangeKind.Same, diff.Workloads[0].Resources.Single(r => r.Name == "f-policy").Kind);
    }

    [Fact]
    public void Compute_ManyRenamesAmongMany_EachMatchedByItsOwnSettingsInOrder()
    {
        // 3,000 workloads: 1,000 renamed (two by two sharing settings), 1,000 removed, 1,000 kept; 1,000 added.
        var before = new List<WorkloadPlan>();
        var after = new List<WorkloadPlan>();
        for (var i = 0; i < 1000; i++)
        {
            before.Add(Workload($"keep-{i}", $"{{ image: k{i} }}", Resource($"keep-{i}", "{}")));
            after.Add(Workload($"keep-{i}", $"{{ image: k{i} }}", Resource($"keep-{i}", "{}")));
            before.Add(Workload($"old-{i}", $"{{ image: r{i / 2} }}", Resource($"old-{i}", "{}")));
            after.Add(Workload($"new-{i}", $"{{ image: r{i / 2} }}", Resource($"new-{i}", "{}")));
            before.Add(Workload($"gone-{i}", $"{{ image: g{i} }}"));
            after.Add(Workload($"added-{i}", $"{{ image: a{i} }}"));
        }
        var diff = Diff([.. before], [.. after]);
        var renamed = diff.Workloads.Where(w => w.Status == WorkloadStatus.Renamed).ToList();
        Assert.Equal(1000, renamed.Count);
        // Two removed workloads with the same settings go to the two new ones in declaration order.
        Assert.All(renamed, w => Assert.Equal(w.Name.Replace("new-", "old-", StringComparison.Ordinal), w.RenamedFrom));
        Assert.All(renamed, w => Assert.Equal([(w.Name, ChangeKind.Create), (w.RenamedFrom!, ChangeKind.Delete)], w.Resources.Select(r => (r.Name, r.Kind))));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"gone-{i}"), diff.Workloads.Where(w => w.Status == WorkloadStatus.Removed).Select(w => w.Name));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"added-{i}"), diff.Workloads.Where(w => w.Status == WorkloadStatus.Added).Select(w => w.Name));
        Assert.Equal(1000, diff.Count(WorkloadStatus.Unchanged));
        Assert.Equal((1000, 1000), (diff.Count(ChangeKind.Create), diff.Count(ChangeKind.Delete)));
    }

    [Fact]
    public void Compute_OneChangeAmongThousands_FollowedThroughItsReadersOnly()
    {
        // 5,000 workloads of a template and a group reading its renewed output; only workload 2,500's template changes.
        WorkloadPlan Pair(int i, int cpu) => Workload($"f{i}", "{ image: a }",
            new PlannedResource("aws:ec2/launchTemplate:LaunchTemplate", $"f{i}-lt", Yaml.Map($"{{ cpu: {cpu} }}"), ResourceOptions.None) { UpdatedOutputs = ["latestVersion"] },
            new PlannedResource("aws:autoscaling/group:Group", $"f{i}-asg",
                new PropertyMap(("version", PropertyValue.Reference($"f{i}-lt", "latestVersion"))), ResourceOptions.None),
            new PlannedResource("aws:autoscaling/policy:Policy", $"f{i}-policy",
                new PropertyMap(("group", PropertyValue.Reference($"f{i}-asg", "name"))), ResourceOptions.None));
        var diff = Diff([.. Enumerable.Range(0, 5000).Select(i => Pair(i, 2))], [.. Enumerable.Range(0, 5000).Select(i => Pair(i, i == 2500 ? 4 : 2))]);
        var changed = Assert.Single(diff.Workloads, w => w.Status != WorkloadStatus.Unchanged);
        Assert.Equal("f2500", changed.Name);
        Assert.Equal([("f2500-lt", ChangeKind.Update), ("f2500-asg", ChangeKind.Update), ("f2500-policy", ChangeKind.Same)],
            changed.Resources.Select(r => (r.Name, r.Kind)));
        Assert.Equal(["version"], changed.Resources[1].Changes.Select(c => c.Path));
        Assert.Equal((2, 0, 0, 0), (diff.Count(ChangeKind.Update), diff.Count(ChangeKind.Replace), diff.Count(ChangeKind.Create), diff.Count(ChangeKind.Delete)));
        Assert.Equal(4999, diff.Count(WorkloadStatus.Unchanged));
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void Compute_ReplacementChain_FollowedToTheEndWhateverTheDeclarationOrder()
    {
        // c reads b reads a, declared in reverse: a's replacement must still reach c through b.
        var c = new PlannedResource("t:m:C", "c", new PropertyMap(("b", PropertyValue.Reference("b", "id"))), new ResourceOptions { ReplaceOnChanges = ["b"] });
        var b = new PlannedResource("t:m:B", "b", new PropertyMap(("a", PropertyValue.Reference("a", "id"))), new ResourceOptions { ReplaceOnChanges = ["a"] });
        PlannedResource A(int v) => Resource("a", $"{{ v: {v} }}", "v");
        var diff = Diff([Workload("f", "{ image: a }", c, b, A(1))], [Workload("f", "{ image: a }", c, b, A(2))]);
        Assert.Equal([("c", ChangeKind.Replace), ("b", ChangeKind.Replace), ("a", ChangeKind.Replace)], diff.Workloads[0].Resources.Select(r => (r.Name, r.Kind)));
    }

    [Fact]
    public void Compute_ReusedPlanWithUnknownInput_StillChanges()
    {
        // The head took this workload's plan from the base (one object on both sides): an unknown is still a change.
        var plan = Workload("f", "{ image: a }", Resource("f", "{ spec: { image: a, tag: b } }"), Resource("f-env", "{ data: { key: x } }"));
        var unknown = new WorkloadPlan(plan.Workload,
            [plan.Resources[0] with { Inputs = new PropertyMap(("spec", new PropertyMap(("image", "a"), ("tag", PropertyValue.Unknown)))) }, plan.Resources[1]],
            PropertyMap.Empty, plan.Summary);
        var diff = Diff([unknown], [unknown]);
        var workload = Assert.Single(diff.Workloads);
        Assert.Equal(WorkloadStatus.Changed, workload.Status);
        Assert.Equal([("f", ChangeKind.Update), ("f-env", ChangeKind.Same)], workload.Resources.Select(r => (r.Name, r.Kind)));
        Assert.Equal([new PropertyChange("spec.tag", PropertyValue.Unknown, PropertyValue.Unknown)], workload.Resources[0].Changes);
    }

    [Fact]
    public void Compute_ReusedPlanWithUnknownSetting_StillChanges()
    {
        var plan = Workload("f", "{ image: '${repo.url}' }", Resource("f", "{ spec: { replicas: 1 } }"));
        var workload = Assert.Single(Diff([plan], [plan]).Workloads);
        Assert.Equal(WorkloadStatus.Changed, workload.Status);
        Assert.Equal([new PropertyChange("image", PropertyValue.Unknown, PropertyValue.Unknown)], workload.Settings);
        Assert.Equal(ChangeKind.Same, workload.Resources[0].Kind);
    }

    [Fact]
    public void Compute_ReusedPlanReadingAChangedWorkload_ChangesWithIt()
    {
        // b is the very plan on both sides, but its child reads a's child, which is replaced: b's child changes too.
        PlannedResource Queue(int seconds) => Resource("a-queue", $"{{ visibility: {seconds} }}", "visibility");
        var reader = Workload("b", "{ image: b }", new PlannedResource("aws:iam/rolePolicy:RolePolicy", "b-policy",
            new PropertyMap(("queue", PropertyValue.Reference("a-queue", "arn"))), ResourceOptions.None));
        var diff = Diff([Workload("a", "{ image: a }", Queue(30)), reader], [Workload("a", "{ image: a }", Queue(60)), reader]);
        Assert.Equal([("a", WorkloadStatus.Changed), ("b", WorkloadStatus.Changed)], diff.Workloads.Select(w => (w.Name, w.Status)));
        var policy = Assert.Single(diff.Workloads[1].Resources);
        Assert.Equal(ChangeKind.Update, policy.Kind);
        Assert.Equal(["queue"], policy.Changes.Select(c => c.Path));
        Assert.Equal(2, diff.Count(ChangeKind.Update) + diff.Count(ChangeKind.Replace));
    }

    [Fact]
    public void Changes_OneValueOnBothSides_ReportsItsUnknownsOnly()
    {
        var value = PropertyValue.From(new PropertyMap(("a", 1), ("b", new PropertyMap(("c", PropertyValue.Secret(PropertyValue.Unknown)))),
            ("d", PropertyValue.From([PropertyValue.Unknown, "x"]))));
        Assert.Equal(["b.c", "d[0]"], PlanDiff.Changes(value, value, "").Select(c => c.Path));
        var known = PropertyValue.From(new PropertyMap(("a", 1), ("b", new PropertyMap(("c", "x")))));
        Assert.Empty(PlanDiff.Changes(known, known, ""));
    }
}
