using Multinode.Contracts;
using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>One fresh worker per execution, at most maxConcurrency at once.</summary>
public sealed record JobWorkload(string Name, Container Container, ResourceRequest Resources,
    int MaxConcurrency, int Port)
    : Workload(Name, Container, Resources), IQueueWorkload, IScalesWithLoad, IRunsToCompletion
{
    public override WorkloadKind Kind => JobKind.Instance;
    public override int MaxWorkers => MaxConcurrency;

    /// <summary>One worker per execution in flight, at most maxConcurrency.</summary>
    public int[] Ideal(double[] demand) => [.. demand.Select(d => Math.Min(MaxConcurrency, Demand.Whole(d)))];
}

/// <summary>The Job kind.</summary>
public sealed class JobKind : WorkloadKind<JobWorkload>
{
    public static JobKind Instance { get; } = new();

    private JobKind() { }

    public override string Name => "Job";

    public override string Description =>
        "One fresh worker per execution, none when idle, at most maxConcurrency at once; scale-in never stops a running execution.";

    private static readonly IntegerInput<JobWorkload> MaxConcurrency = Integer(
        new("maxConcurrency", InputType.Integer, "Most executions running at once; each gets a fresh worker.")
        {
            Default = 10, Min = 1, Max = WorkloadLimits.MaxWorkers,
        },
        j => j.MaxConcurrency);

    private static readonly IntegerInput<JobWorkload> Port = Integer(WorkloadInputs.Port, j => j.Port);

    protected override IReadOnlyList<KindInput<JobWorkload>> Declare() => [MaxConcurrency, Port];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children, WorkloadOutputs.Queue];

    protected override JobWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, MaxConcurrency.Read(reader), Port.Read(reader));
}
