using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>Exactly one process, replaced on failure, never two at once.</summary>
public sealed record DaemonWorkload(string Name, Container Container, ResourceRequest Resources)
    : Workload(Name, Container, Resources)
{
    public override WorkloadKind Kind => DaemonKind.Instance;
    public override int MaxWorkers => 1;
}

/// <summary>The Daemon kind: the common inputs only.</summary>
public sealed class DaemonKind : WorkloadKind<DaemonWorkload>
{
    public static DaemonKind Instance { get; } = new();

    private DaemonKind() { }

    public override string Name => "Daemon";

    public override string Description => "Exactly one process, replaced on failure, never two at once.";

    protected override IReadOnlyList<KindInput<DaemonWorkload>> Declare() => [];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children];

    protected override DaemonWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources);
}
