using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;

namespace Multinode.Testing;

/// <summary>A queue kind that exists only in the tests: <c>Inbox</c>, at most maxInboxWorkers workers fed by a queue,
/// one per message in flight, each kept idleSeconds after its last message. Its definition, its two target mappings
/// and its registration (<see cref="InboxKind.Kinds"/>) are all it takes to plan, diff, simulate and construct it
/// (docs/architecture.md, "Adding a kind").</summary>
public sealed record InboxWorkload(string Name, Container Container, ResourceRequest Resources, int MaxInboxWorkers,
    int IdleSeconds, int Port) : Workload(Name, Container, Resources), IQueueWorkload, IScalesWithLoad
{
    public override WorkloadKind Kind => InboxKind.Instance;
    public override int MaxWorkers => MaxInboxWorkers;

    /// <summary>One worker per message in flight, at most maxInboxWorkers.</summary>
    public int[] Ideal(double[] demand) => [.. demand.Select(d => Math.Min(MaxInboxWorkers, Demand.Whole(d)))];
}

public sealed class InboxKind : WorkloadKind<InboxWorkload>
{
    public static InboxKind Instance { get; } = new();

    /// <summary>The product's kinds and targets with the Inbox kind and its mapping on each target: a warm pool of no
    /// spare workers.</summary>
    public static KindRegistry Kinds { get; } = KindRegistry.Default.With(Instance,
        AwsMapping.Of<InboxWorkload>(i => AwsShape.WarmPool(i, 0, i.MaxInboxWorkers, i.IdleSeconds)),
        KubernetesMapping.Of<InboxWorkload>(i => new KubernetesShape.WarmPool(0, i.MaxInboxWorkers, i.IdleSeconds)));

    public override string Name => "Inbox";

    public override string Description => "Workers fed by a queue, one per message in flight.";

    private static readonly IntegerInput<InboxWorkload> MaxInboxWorkers = Integer(
        new("maxInboxWorkers", InputType.Integer, "Most workers at once.") { Default = 3, Min = 1, Max = 20 },
        i => i.MaxInboxWorkers);

    private static readonly IntegerInput<InboxWorkload> IdleSeconds = Integer(
        new("idleSeconds", InputType.Integer, "Seconds a worker stays after its last message.") { Default = 30, Min = 0, Max = 600 },
        i => i.IdleSeconds);

    private static readonly IntegerInput<InboxWorkload> Port = Integer(WorkloadInputs.Port, i => i.Port);

    protected override IReadOnlyList<KindInput<InboxWorkload>> Declare() => [MaxInboxWorkers, IdleSeconds, Port];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children, WorkloadOutputs.Queue];

    protected override InboxWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, MaxInboxWorkers.Read(reader), IdleSeconds.Read(reader), Port.Read(reader));
}
