using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets;

/// <summary>How targets write a workload's kind in descriptions, tags and env: the one place in Targets/ that reads
/// the kind itself, so that targets depend on what a kind is called and nothing else.</summary>
internal static class KindNames
{
    /// <summary>The kind's name: <c>Function</c>.</summary>
    public static string Of(Workload workload) => workload.Kind.ToString();

    /// <summary>The kind's name as the worker and the boot script carry it: <c>function</c>.</summary>
    public static string Lower(Workload workload) => Of(workload).ToLowerInvariant();

    /// <summary>The kind's resource token: <c>multinode:index:Function</c>.</summary>
    public static string TokenOf(Workload workload) => workload.Kind.Token;
}
