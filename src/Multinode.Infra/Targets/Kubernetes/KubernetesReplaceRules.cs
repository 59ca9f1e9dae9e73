namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>Replace-or-update for the Kubernetes target, from the table scripts/generate-replace-table.mjs generates
/// out of scripts/data/kubernetes-replace.json (pulumi-kubernetes' forceNewProperties and the Kubernetes API's
/// immutable fields, each with its upstream source).</summary>
internal static class KubernetesReplaceRules
{
    /// <summary>The input paths whose change makes pulumi-kubernetes replace an object of this type.</summary>
    public static IReadOnlyList<string> For(string type) =>
        KubernetesReplaceTable.ReplaceOnChanges.TryGetValue(type, out var paths)
            ? paths
            : throw new ArgumentOutOfRangeException(nameof(type), type,
                "not a type the Kubernetes target plans (scripts/data/kubernetes-replace.json)");

    /// <summary>The paths of an object of this type that the Kubernetes API refuses to update in place.</summary>
    public static IReadOnlyList<string> ImmutableFor(string type) =>
        KubernetesReplaceTable.Immutable.TryGetValue(type, out var paths) ? paths : [];
}
