using Multinode.Contracts;
using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>A warm pool: desired = min(maxWorkers, in-flight + spareWorkers).</summary>
public sealed record FunctionWorkload(string Name, Container Container, ResourceRequest Resources,
    int MaxWorkers, int SpareWorkers, int CooldownPeriod, int Port)
    : Workload(Name, Container, Resources), IQueueWorkload, IScalesWithLoad
{
    public override WorkloadKind Kind => FunctionKind.Instance;
    /// <summary>maxWorkers: the one name of the value from YAML to record and every target.</summary>
    public override int MaxWorkers { get; } = MaxWorkers;

    /// <summary>min(maxWorkers, in-flight + spare), and every worker needed in the last cooldownPeriod stays: a sliding
    /// maximum over [t − cooldownPeriod, t].</summary>
    public int[] Ideal(double[] demand)
    {
        var ideal = new int[demand.Length];
        var window = new LinkedList<(int T, int Need)>();
        for (var t = 0; t < demand.Length; t++)
        {
            var need = Math.Min(MaxWorkers, Demand.Whole(demand[t]) + SpareWorkers);
            while (window.Last is { } last && last.Value.Need <= need) window.RemoveLast();
            window.AddLast((t, need));
            while (window.First!.Value.T < t - CooldownPeriod) window.RemoveFirst();
            ideal[t] = window.First.Value.Need;
        }
        return ideal;
    }
}

/// <summary>The Function kind.</summary>
public sealed class FunctionKind : WorkloadKind<FunctionWorkload>
{
    public static FunctionKind Instance { get; } = new();

    private FunctionKind() { }

    public override string Name => "Function";

    public override string Description =>
        "A warm pool of workers fed by a queue: desired workers = min(maxWorkers, in-flight invocations + spareWorkers); a worker stays at least cooldownPeriod after its last invocation.";

    private static readonly IntegerInput<FunctionWorkload> MaxWorkers = Integer(
        new("maxWorkers", InputType.Integer, "Most workers at once.") { Default = 10, Min = 1, Max = WorkloadLimits.MaxWorkers },
        f => f.MaxWorkers);

    private static readonly IntegerInput<FunctionWorkload> SpareWorkers = Integer(
        new("spareWorkers", InputType.Integer, "Idle workers kept warm beyond the in-flight invocations (at most maxWorkers).")
        {
            Default = 0, Min = 0, Max = WorkloadLimits.MaxWorkers,
        },
        f => f.SpareWorkers);

    private static readonly IntegerInput<FunctionWorkload> CooldownPeriod = Integer(
        new("cooldownPeriod", InputType.Integer, "Seconds a worker stays after its last invocation before it may be scaled in.")
        {
            // The worker's per-worker cooldown on AWS reads it (MULTINODE_COOLDOWN_SECONDS): same default and range.
            Default = WorkerSettings.Cooldown.Default,
            Min = WorkerSettings.Cooldown.Min,
            Max = WorkerSettings.Cooldown.Max,
        },
        f => f.CooldownPeriod);

    private static readonly IntegerInput<FunctionWorkload> Port = Integer(WorkloadInputs.Port, f => f.Port);

    protected override IReadOnlyList<KindInput<FunctionWorkload>> Declare() => [MaxWorkers, SpareWorkers, CooldownPeriod, Port];

    public override IReadOnlyList<InputSpec> Outputs => [WorkloadOutputs.Children, WorkloadOutputs.Queue];

    public override void CheckRules(InputReader reader)
    {
        if (SpareWorkers.Valid(reader) is { } spare && MaxWorkers.Valid(reader) is { } max && spare > max)
            reader.Fail(SpareWorkers.Spec.Name,
                $"{SpareWorkers.Spec.Name} = {spare} is above the limit of {MaxWorkers.Spec.Name} = {max}");
    }

    protected override FunctionWorkload Read(string name, Container container, ResourceRequest resources, InputReader reader) =>
        new(name, container, resources, MaxWorkers.Read(reader), SpareWorkers.Read(reader), CooldownPeriod.Read(reader),
            Port.Read(reader));
}
