using Multinode.Infra.Planning;
using Multinode.Infra.Simulation;
using Multinode.Infra.Tests.Targets.Aws;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>Plans small programs on either target and replays traces against them.</summary>
internal static class Simulations
{
    public const string Kubernetes = "target: kubernetes";

    /// <summary>The seed's Function: maxWorkers 30, spareWorkers 2, cooldownPeriod 300.</summary>
    public const string SeedFunction = """
        square:
          type: multinode:index:Function
          properties:
            image: ghcr.io/example/square:1.0
            maxWorkers: 30
            spareWorkers: 2
            cooldownPeriod: 300
        """;

    /// <summary>13 in flight for ten minutes, then nothing.</summary>
    public const string SeedTrace = """
        seconds,workload,demand
        0,square,13
        600,square,0
        """;

    public static Plan Plan(string resources, string config = AwsPlanning.Config)
    {
        var result = AwsPlanning.Plan(resources, config);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        return result.Value!;
    }

    public static WorkloadSimulation Simulate(string resources, string trace, string config = AwsPlanning.Config,
        PlatformParameters? parameters = null, int? seconds = null) =>
        Assert.Single(Simulator.Run(Plan(resources, config), LoadTrace.Parse(trace), parameters ?? PlatformParameters.Default, seconds).Workloads);

    /// <summary>The series as "t:running/desired/ideal" for the seconds where running or desired changed.</summary>
    public static string Steps(WorkloadSimulation s) =>
        string.Join(" ", s.Series.Select(p => $"{p.Seconds}:{p.Running}/{p.Desired}/{p.Ideal}"));

    /// <summary>Running workers at second t (the series holds changes only).</summary>
    public static int RunningAt(WorkloadSimulation s, int t) => s.Series.Last(p => p.Seconds <= t).Running;

    /// <summary>The platform's desired count at second t.</summary>
    public static int DesiredAt(WorkloadSimulation s, int t) => s.Series.Last(p => p.Seconds <= t).Desired;
}
