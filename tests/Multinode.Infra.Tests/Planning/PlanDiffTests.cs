using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class PlanDiffTests
{
    private static readonly ProviderConfig Config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes }")).Value!;

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
}
