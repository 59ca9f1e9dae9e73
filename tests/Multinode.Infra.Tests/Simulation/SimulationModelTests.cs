using System.Text;
using Multinode.Infra.Validation;
using Multinode.Infra.Simulation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Simulation.Simulations;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>A kind that exists only in this test: shards run to completion, fed by a queue, scaled with the load.</summary>
public sealed record ShardWorkload(string Name, Container Container, ResourceRequest Resources, int Parallelism)
    : Workload(Name, Container, Resources), IQueueWorkload, IScalesWithLoad, IRunsToCompletion
{
    public override WorkloadKind Kind => ShardKind.Instance;
    public override int MaxWorkers => Parallelism;
    public int Port => 8080;
    public int[] Ideal(double[] demand) => [.. demand.Select(d => Math.Min(Parallelism, Demand.Whole(d)))];
}

public sealed class ShardKind : WorkloadKind<ShardWorkload>
{
    public static ShardKind Instance { get; } = new();
    public override string Name => "Shard";
    public override string Description => "Shards run to completion.";
    private static readonly IntegerInput<ShardWorkload> Parallelism =
        Integer(new("parallelism", InputType.Integer, "Shards at once.") { Default = 5, Min = 1, Max = 64 }, s => s.Parallelism);
    protected override IReadOnlyList<KindInput<ShardWorkload>> Declare() => [Parallelism];
    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children];
    protected override ShardWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, Parallelism.Read(reader));
}

/// <summary>The simulator takes each target's model from the target and each workload's behaviour from its
/// capabilities and planned children (issue 19, rule 9); the workers' own scale-out (CONTRACT-20, 2) is read from the plan.</summary>
public class SimulationModelTests
{
    private const string Job = """
        j:
          type: multinode:index:Job
          properties: { image: i, maxConcurrency: 5 }
        """;

    [Theory]
    [InlineData(Targets.Aws.AwsPlanning.Config)]
    [InlineData(Kubernetes)]
    public void Run_ThrowAwayKindWithAJobsChildren_IsSimulatedFromItsCapabilitiesOnBothTargets(string config)
    {
        // The throw-away kind has a Job's capabilities and, here, a Job's planned children: the simulator, which
        // names no kind, simulates it exactly as the Job, and loses no execution.
        var plan = Plan(Job, config);
        var job = plan.Workloads[0];
        var shard = plan with
        {
            Workloads = [job with { Workload = new ShardWorkload("j", job.Workload.Container, job.Workload.Resources, 5) }],
        };
        var trace = LoadTrace.Parse("seconds,workload,demand,duration\n0,j,20,120\n");
        var expected = Assert.Single(Simulator.Run(plan, trace, PlatformParameters.Default).Workloads);
        var actual = Assert.Single(Simulator.Run(shard, trace, PlatformParameters.Default).Workloads);
        Assert.Equal("Shard", actual.Kind.Name);
        Assert.Equal(expected.Series, actual.Series);
        Assert.Equal(new ExecutionSummary(20, 20, 0, expected.Summary.Executions!.WaitP50, expected.Summary.Executions.WaitP95,
            expected.Summary.Executions.WaitMax), actual.Summary.Executions);
    }

    [Fact]
    public void Run_PlanWithAnUnknownAlarmMetric_IsAnErrorNamingIt()
    {
        var plan = Plan(SeedFunction);
        var function = plan.Workloads[0];
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-start-alarm"
                ? r with { Inputs = Replace(r.Inputs, "ApproximateNumberOfMessagesVisible", "NumberOfMessagesSent") }
                : r)] }],
        };
        var e = Assert.Throws<InvalidOperationException>(() => Simulator.Run(edited, LoadTrace.Parse(SeedTrace), PlatformParameters.Default));
        Assert.StartsWith("square-start-alarm: metric AWS/SQS/NumberOfMessagesSent has no simulation model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SingleMetricAlarm_IsReadFromTheAlarmItself()
    {
        // The start alarm rewritten in the single-metric form (namespace, metricName, statistic and period on the
        // alarm): minute 0's sample (30 s) counts 4 visible, published at 120 s; the step for 4 − 1 sets 4.
        const string ZeroSpare = """
            f:
              type: multinode:index:Function
              properties: { image: i, maxWorkers: 10, spareWorkers: 0, cooldownPeriod: 60 }
            """;
        var plan = Plan(ZeroSpare);
        var function = plan.Workloads[0];
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "f-start-alarm"
                ? r with { Inputs = new PropertyMap(r.Inputs.Where(kv => kv.Key != "metricQueries").Concat(
                    [KeyValuePair.Create("namespace", PropertyValue.From("AWS/SQS")),
                     KeyValuePair.Create("metricName", PropertyValue.From("ApproximateNumberOfMessagesVisible")),
                     KeyValuePair.Create("statistic", PropertyValue.From("Maximum")),
                     KeyValuePair.Create("period", PropertyValue.From(60))])) }
                : r)] }],
        };
        var s = Assert.Single(Simulator.Run(edited, LoadTrace.Parse("seconds,workload,demand\n0,f,4\n600,f,0\n"), PlatformParameters.Default).Workloads);
        Assert.Equal(0, DesiredAt(s, 119));
        Assert.Equal(4, DesiredAt(s, 120));
    }

    [Fact]
    public void Run_WorkersWithScaleOutSeconds_RaiseDesiredWithinTheirInterval()
    {
        // CONTRACT-20, 2: with -e MULTINODE_SCALE_OUT_SECONDS=10 in the worker's docker run, each running worker reads
        // in-flight work and the group every 10 s at its own phase and raises desired to min(max, I + spare). The seed's
        // two spare workers (launch numbers 0 and 1: phases 6 and 2 s) see 13 in flight: worker 1 sets 15 at 2 s; the
        // 13 new instances serve after the 90 s boot — within issue 20's 180 s.
        var plan = Plan(SeedFunction);
        var function = plan.Workloads[0];
        var edited = plan with
        {
            Workloads = [function with { Resources = [.. function.Resources.Select(r => r.Name == "square-lt"
                ? r with { Inputs = WithScaleOut(r.Inputs) }
                : r)] }],
        };
        Assert.Equal(10, PlannedScaling.Aws(edited.Workloads[0]).ScaleOutSeconds);
        var s = Assert.Single(Simulator.Run(edited, LoadTrace.Parse(SeedTrace), PlatformParameters.Default).Workloads);
        Assert.Equal(15, DesiredAt(s, 2));
        Assert.Equal(2, DesiredAt(s, 1));
        Assert.Equal(15, RunningAt(s, 92));
        Assert.Equal(11 * 92, s.Summary.WaitSeconds);
    }

    private static PropertyMap Replace(PropertyMap map, string from, string to) =>
        new(map.Select(kv => KeyValuePair.Create(kv.Key, Replace(kv.Value, from, to))));

    private static PropertyValue Replace(PropertyValue value, string from, string to) => value switch
    {
        StringValue s when s.Value == from => PropertyValue.From(to),
        ObjectValue o => PropertyValue.From(Replace(o.Map, from, to)),
        ArrayValue a => PropertyValue.From(a.Items.Select(i => Replace(i, from, to))),
        _ => value,
    };

    private static PropertyMap WithScaleOut(PropertyMap inputs)
    {
        var encoded = ((StringValue)inputs.Get("userData")!).Value;
        var script = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        const string Worker = "--name multinode-worker";
        Assert.Contains(Worker, script, StringComparison.Ordinal);
        script = script.Replace(Worker, Worker + " -e MULTINODE_SCALE_OUT_SECONDS=10", StringComparison.Ordinal);
        return new PropertyMap(inputs.Select(kv => kv.Key == "userData"
            ? KeyValuePair.Create(kv.Key, (PropertyValue)Convert.ToBase64String(Encoding.UTF8.GetBytes(script)))
            : kv));
    }
}
