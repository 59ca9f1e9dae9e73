using Multinode.Infra.Catalog;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// The Kubernetes target (<c>multinode:target = kubernetes</c>): plans a workload as <c>kubernetes:*</c> children
/// (docs/kubernetes.md, docs/scaling.md). What each kind becomes is in <see cref="KubernetesKinds"/>; what they
/// share (pod templates, the env Secret, the worker's identity, the queue's KEDA triggers, facts and cost) in
/// <see cref="KubernetesChildren"/>, <see cref="PodTemplates"/> and <see cref="QueueTriggers"/>.
/// </summary>
public sealed partial class KubernetesTarget(IReadOnlyDictionary<WorkloadKind, KubernetesMapping> kinds) : ITarget
{
    public static readonly KubernetesTarget Default = new();

    /// <summary>The target's name in config.</summary>
    public const string TargetName = "kubernetes";

    /// <summary>The target with its own table of kind → mapping (<see cref="KubernetesKinds"/>).</summary>
    public KubernetesTarget() : this(KubernetesKinds.Table) { }

    /// <summary>KEDA's default polling interval (the ScaledObject sets none).</summary>
    public const int KedaPollingSeconds = 30;

    /// <summary>The HPA controller's default sync period (kube-controller-manager).</summary>
    public const int HpaSyncSeconds = 15;

    public const string ServiceAccountType = "kubernetes:core/v1:ServiceAccount";
    public const string RoleType = "kubernetes:rbac.authorization.k8s.io/v1:Role";
    public const string RoleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
    public const string PolicyType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
    public const string PolicyBindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

    public string Name => TargetName;

    public ITarget With(WorkloadKind kind, IKindMapping mapping) =>
        new KubernetesTarget(KindMappings.With(this, kinds, kind, mapping));

    /// <summary>Every object is named by its child's name in the one namespace.</summary>
    public bool ChildNamesArePhysical => true;

    public InputSpec ConfigSpec => KubernetesConfig.Spec;

    /// <summary>@pulumi/kubernetes, at the version the type-check tests lock.</summary>
    public ChildPackage ChildPackage { get; } = new("kubernetes", "4.34.2");

    public TargetConfig? ReadConfig(InputReader reader, PropertyMap given, bool chosen) => KubernetesConfig.Read(reader, given, chosen);

    /// <summary>Nodes are the cluster's, so a workload is priced as the whole catalog nodes its pods need.</summary>
    public string PricingNote(InstanceCatalog catalog) => PricingNotes.WorstCase(catalog) +
        "; on Kubernetes each workload is priced as whole nodes of the cheapest catalog type that holds its pods, after the node reserve of docs/aws.md (memory 7.5 % + 355 MiB, CPU by core count).";

    public IEnumerable<ValidationFailure> Check(IReadOnlyList<Workload> workloads, ProviderConfig config) => [];

    public Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config)
    {
        var mapping = kinds.GetValueOrDefault(workload.Kind);
        var shape = mapping?.Shape(workload);
        var failures = PodTemplates.Check(workload)
            .Concat(shape is null ? Enumerable.Empty<ValidationFailure>() : mapping!.Check(workload)).ToList();
        // A pod no node can hold never schedules, and its cost (whole nodes) would silently drop out of the totals:
        // refused, as on AWS, naming the largest node type.
        if (NodePacking.Cheapest(InstanceCatalog.Default, workload.Resources, 1) is null)
            failures.Add(Aws.InstanceSelection.NoneFits(workload, InstanceCatalog.Default, "node type of the catalog"));
        if (failures.Count > 0) return Result<WorkloadPlan>.Fail(failures);
        if (shape is null) return Result<WorkloadPlan>.Fail([KindMappings.NotPlanned(this, workload)]);
        var children = new KubernetesChildren(workload, config.SettingsOf<KubernetesConfig>(), config.WorkerImage);
        children.EnvSecret();
        return Result<WorkloadPlan>.Ok(children.Finish(KubernetesKinds.Plan(children, shape)));
    }
}
