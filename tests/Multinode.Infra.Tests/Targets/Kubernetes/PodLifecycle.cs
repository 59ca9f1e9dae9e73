using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>
/// The order in which the kubelet starts and stops a pod's containers, as the Kubernetes documentation states it,
/// read from a planned pod spec. Each stage is a set of containers the kubelet acts on together; a stage begins only
/// when the one before it has finished (started, or fully terminated).
/// <list type="bullet">
/// <item>Start ("Sidecar containers and Pod lifecycle", concepts/workloads/pods/sidecar-containers): init
/// containers run one after another in spec order; a sidecar (an init container with <c>restartPolicy: Always</c>)
/// lets the next one start once it is <c>started</c>, which is when its <c>startupProbe</c> succeeded (or, with none,
/// when its process runs); the main containers start together after the last init container.</item>
/// <item>Termination ("Pod shutdown and sidecar containers", concepts/workloads/pods/pod-lifecycle
/// #termination-with-sidecars): without sidecars every container gets TERM "at different times and in an arbitrary
/// order" (one stage); with sidecars the kubelet delays their TERM "until the last main container has fully
/// terminated", then terminates them "in the reverse order they are defined in the Pod spec".</item>
/// </list>
/// </summary>
internal static class PodLifecycle
{
    public sealed record Container(string Name, bool IsSidecar, PropertyValue Spec)
    {
        /// <summary>What makes the container count as started: its startup probe, or null (its process runs).</summary>
        public PropertyValue? StartupProbe => ((ObjectValue)Spec).Map.TryGetValue("startupProbe", out var p) ? p : null;
    }

    public static IReadOnlyList<IReadOnlyList<Container>> StartStages(PropertyValue podSpec)
    {
        var stages = Init(podSpec).Select(c => (IReadOnlyList<Container>)[c]).ToList();
        stages.Add(MainContainers(podSpec));
        return stages;
    }

    public static IReadOnlyList<IReadOnlyList<Container>> TerminationStages(PropertyValue podSpec)
    {
        var sidecars = Init(podSpec).Where(c => c.IsSidecar).ToList();
        if (sidecars.Count == 0) return [MainContainers(podSpec)];
        sidecars.Reverse();
        return [MainContainers(podSpec), .. sidecars.Select(s => (IReadOnlyList<Container>)[s])];
    }

    /// <summary>The index of the stage that holds <paramref name="name"/>.</summary>
    public static int StageOf(IReadOnlyList<IReadOnlyList<Container>> stages, string name)
    {
        for (var i = 0; i < stages.Count; i++)
            if (stages[i].Any(c => c.Name == name)) return i;
        throw new InvalidOperationException($"no container {name}");
    }

    private static List<Container> Init(PropertyValue podSpec) =>
        Items(podSpec, "initContainers").Select(c => new Container(Name(c),
            c.Find("restartPolicy") is StringValue { Value: "Always" }, c)).ToList();

    private static List<Container> MainContainers(PropertyValue podSpec) =>
        Items(podSpec, "containers").Select(c => new Container(Name(c), false, c)).ToList();

    private static IEnumerable<PropertyValue> Items(PropertyValue podSpec, string key) =>
        podSpec.Find(key) is ArrayValue a ? a.Items : [];

    private static string Name(PropertyValue container) => ((StringValue)container.At("name")).Value;
}
