using System.Globalization;
using System.Text.RegularExpressions;
using Multinode.Infra.Catalog;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// A Service scales on its declared CPU (docs/scaling.md, "Service"). The expectations come from AWS's and Docker's
/// definitions, not from the plan:
/// <list type="bullet">
/// <item>EC2 <c>CPUUtilization</c> is "the percentage of allocated EC2 compute units that are currently in use on the
/// instance" (Amazon EC2 User Guide, "Instance metrics"); <c>ASGAverageCPUUtilization</c> is its average over the
/// group (EC2 Auto Scaling API Reference, PredefinedMetricSpecification).</item>
/// <item><c>docker run --cpus=N</c>: the container uses at most N CPUs (Docker docs, "Resource constraints").</item>
/// <item>Target tracking "adds or removes capacity as required to keep the metric at, or close to, the specified
/// target value" and scales out while the metric is above it (EC2 Auto Scaling User Guide, "Target tracking scaling
/// policies").</item>
/// <item>Basic monitoring sends EC2 metrics every five minutes, detailed monitoring every minute (Amazon EC2 User
/// Guide, "Manage detailed monitoring for your EC2 instances"); target tracking wants one-minute metrics ("Create a
/// target tracking scaling policy": "confirm that your preferred metric is available at 1-minute intervals").</item>
/// </list>
/// So with a container of c vCPUs on an instance of V vCPUs, the metric of a container using u cores is 100 × u / V,
/// and the group holds u / c at targetCpuUtilization t exactly when the target value is 100 × t × c / V.
/// </summary>
public sealed partial class AwsTargetTests
{
    /// <summary>The container's <c>--cpus</c> cap, read from the planned boot script.</summary>
    private static double CpuCap(string script) =>
        double.Parse(Regex.Match(Line(script, "docker run -d --restart always --name app"), @" --cpus ([0-9.]+) ")
            .Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Plan_Service_CpuTargetIsTheContainersShareOfTheInstance()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties:
                image: img
                targetCpuUtilization: 0.65
                resources: { cpu: 1, memory: 1Gi }
                instanceTypes: [m6i.large]
            """);
        var lt = plan.Child("api-lt");
        Assert.Equal(1, CpuCap(lt.UserDataText()));
        // m6i.large has 2 vCPUs: a container at 0.65 of its 1 vCPU keeps 0.65 of 2 vCPUs busy = 32.5 %.
        var policy = plan.Child("api-cpu");
        Assert.Equal("ASGAverageCPUUtilization",
            policy.Text("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"));
        Assert.Equal(100 * 0.65 * 1 / 2, policy.Number("targetTrackingConfiguration.targetValue"));
        Assert.Equal(PropertyValue.From(true), lt.At("monitoring.enabled"));
    }

    [Theory]
    [InlineData("", 0.5)]
    [InlineData("resources: { cpu: 0.25, memory: 512Mi }", 0.65)]
    [InlineData("resources: { cpu: 2, memory: 4Gi }", 0.95)]
    [InlineData("resources: { cpu: 3, memory: 30Gi }", 0.8)]
    [InlineData("resources: { cpu: 1, memory: 2Gi }\n    instanceTypes: [c6i.large, m6i.xlarge]", 0.7)]
    [InlineData("resources: { cpu: 0.1, memory: 256Mi }\n    instanceTypes: [m7i.48xlarge]", 0.05)]
    public void Plan_Service_AContainerAtItsCapLiftsTheMetricAboveTheTarget(string extra, double target)
    {
        var plan = AwsPlanning.PlanOne($"""
            api:
              type: multinode:index:Service
              properties:
                image: img
                targetCpuUtilization: {target.ToString(CultureInfo.InvariantCulture)}
                {extra}
            """);
        var cap = CpuCap(plan.Child("api-lt").UserDataText());
        var types = plan.Child("api-asg").Find("mixedInstancesPolicy") is { } mixed
            ? ((ArrayValue)mixed.At("launchTemplate.overrides")).Items
                .Select(o => ((StringValue)o.At("instanceType")).Value).ToList()
            : [plan.Child("api-lt").Text("instanceType")];
        var targetValue = plan.Child("api-cpu").Number("targetTrackingConfiguration.targetValue");
        foreach (var vcpus in types.Select(t => InstanceCatalog.Default.Find(t)!.VCpus))
        {
            // At its cap the container keeps cap of the vCPUs busy: the metric exceeds the target, so the group
            // scales out.
            Assert.True(100 * cap / vcpus > targetValue,
                $"{cap} of {vcpus} vCPUs = {100 * cap / vcpus} % ≤ target {targetValue}");
        }
        // On the largest type, the container at target × cap reads the target (to the four decimals the plan keeps).
        var largest = types.Max(t => InstanceCatalog.Default.Find(t)!.VCpus);
        Assert.Equal(100 * target * cap / largest, targetValue, 0.0001);
    }

    [Theory]
    [InlineData("Pulumi.yaml")]
    [InlineData("examples/aws-inference")]
    [InlineData("examples/pr-comment/base")]
    [InlineData("examples/pr-comment/head")]
    public void Plan_RepositoryAwsServices_CanScaleOutAndReadOneMinuteMetrics(string program)
    {
        var (declaration, _) = Multinode.Infra.Cli.ProgramLoader.Load(Repo.File(program.Split('/')), null, KindRegistry.Default);
        var plan = Multinode.Infra.Planning.Planner.Plan(declaration, KindRegistry.Default);
        Assert.True(plan.IsValid, string.Join("\n", plan.Failures));
        var services = plan.Value!.Workloads
            .Where(w => w.Workload is Multinode.Infra.Workloads.ServiceWorkload).ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            var name = service.Workload.Name;
            var lt = service.Child($"{name}-lt");
            var vcpus = InstanceCatalog.Default.Find(lt.Text("instanceType"))!.VCpus;
            var target = service.Child($"{name}-cpu").Number("targetTrackingConfiguration.targetValue");
            Assert.True(100 * CpuCap(lt.UserDataText()) / vcpus > target,
                $"{program}: {name} can never exceed its target {target}");
            Assert.Equal(PropertyValue.From(true), lt.At("monitoring.enabled"));
        }
    }

    [Fact]
    public void Plan_Function_ScalesOnQueueMetricsWithoutDetailedMonitoring()
    {
        // Detailed monitoring is billed per metric; a Function's scaling reads SQS and group metrics, never EC2's.
        var plan = AwsPlanning.PlanOne(Function);
        Assert.Null(plan.Child("square-lt").Find("monitoring"));
        Assert.DoesNotContain(plan.Resources,
            r => PropertyValue.From(r.Inputs).ToJson().Contains("CPUUtilization", StringComparison.Ordinal));
    }
}
