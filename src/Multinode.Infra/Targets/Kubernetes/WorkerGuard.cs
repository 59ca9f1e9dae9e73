using k8s.Models;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// What narrows the worker's RBAC to its own pod (issue 25; docs/kubernetes.md, "RBAC"). RBAC cannot: a Role names
/// pods only by exact <c>resourceNames</c>, and a Deployment's or Job's pod names are generated. So the Role allows
/// <c>patch</c> on pods (the only call the worker makes), and a ValidatingAdmissionPolicy with its binding
/// (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30) refuses every pod update made as the worker's service
/// account unless it targets the pod the caller's token is bound to — the API server puts that pod's name in the
/// user info extra <c>authentication.kubernetes.io/pod-name</c> for a pod-bound token, which the projected token the
/// worker mounts is — and changes nothing but the deletion-cost annotation. Cluster-scoped, so each object's name
/// carries the namespace.
/// </summary>
internal static class WorkerGuard
{
    /// <summary>The only annotation the worker writes (scaling.md: pod-deletion-cost).</summary>
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>Where the API server puts the name of the pod a bound service-account token belongs to
    /// (k8s.io/apiserver serviceaccount.PodNameKey).</summary>
    public const string PodNameExtra = "authentication.kubernetes.io/pod-name";

    /// <summary>The label every namespace carries with its own name (Kubernetes ≥ 1.22).</summary>
    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>Workload and namespace names are DNS labels (no dots), so this cluster-wide name is unique per
    /// namespace and workload.</summary>
    public static string ObjectName(string ns, string workload) => $"multinode.{ns}.{workload}-worker";

    /// <summary>The API server's user name of a service account (k8s.io/apiserver serviceaccount.MakeUsername).</summary>
    public static string UserName(string ns, string serviceAccount) => $"system:serviceaccount:{ns}:{serviceAccount}";

    public static V1ValidatingAdmissionPolicy Policy(V1ObjectMeta metadata, string ns, string serviceAccount) => new()
    {
        ApiVersion = "admissionregistration.k8s.io/v1",
        Kind = "ValidatingAdmissionPolicy",
        Metadata = metadata,
        Spec = new V1ValidatingAdmissionPolicySpec
        {
            // An expression that cannot be evaluated refuses the request.
            FailurePolicy = "Fail",
            MatchConstraints = new V1MatchResources
            {
                // PATCH and PUT are both UPDATE to admission; subresources (pods/status, …) are not granted by the Role.
                ResourceRules =
                [
                    new V1NamedRuleWithOperations
                    {
                        ApiGroups = [""], ApiVersions = ["v1"], Operations = ["UPDATE"], Resources = ["pods"],
                    },
                ],
            },
            MatchConditions =
            [
                new V1MatchCondition
                {
                    Name = "worker-service-account",
                    Expression = $"request.userInfo.username == {Cel(UserName(ns, serviceAccount))}",
                },
            ],
            Variables =
            [
                new V1Variable { Name = "before", Expression = OrEmpty("oldObject", "annotations", "{}") },
                new V1Variable { Name = "after", Expression = OrEmpty("object", "annotations", "{}") },
            ],
            Validations =
            [
                new V1Validation
                {
                    Expression = $"has(request.userInfo.extra) && {Cel(PodNameExtra)} in request.userInfo.extra && " +
                                 $"request.userInfo.extra[{Cel(PodNameExtra)}] == [request.name]",
                    Message = "the Multinode worker may change only its own pod (the pod its token is bound to)",
                    Reason = "Forbidden",
                },
                new V1Validation
                {
                    Expression = string.Join(" && ",
                        "object.spec == oldObject.spec", Same("labels", "{}"), Same("finalizers", "[]"), Same("ownerReferences", "[]"),
                        $"variables.before.all(k, k == {Cel(DeletionCostAnnotation)} || " +
                        "(k in variables.after && variables.after[k] == variables.before[k]))",
                        $"variables.after.all(k, k == {Cel(DeletionCostAnnotation)} || k in variables.before)"),
                    Message = $"the Multinode worker may change only its pod's {DeletionCostAnnotation} annotation",
                    Reason = "Forbidden",
                },
            ],
        },
    };

    public static V1ValidatingAdmissionPolicyBinding Binding(V1ObjectMeta metadata, string ns, string policy) => new()
    {
        ApiVersion = "admissionregistration.k8s.io/v1",
        Kind = "ValidatingAdmissionPolicyBinding",
        Metadata = metadata,
        Spec = new V1ValidatingAdmissionPolicyBindingSpec
        {
            PolicyName = policy,
            ValidationActions = ["Deny"],
            MatchResources = new V1MatchResources
            {
                NamespaceSelector = new V1LabelSelector
                {
                    MatchLabels = new Dictionary<string, string> { [NamespaceNameLabel] = ns },
                },
            },
        },
    };

    /// <summary>A metadata field equal before and after, absent counting as empty.</summary>
    private static string Same(string field, string empty) =>
        $"({OrEmpty("object", field, empty)}) == ({OrEmpty("oldObject", field, empty)})";

    private static string OrEmpty(string root, string field, string empty) =>
        $"has({root}.metadata.{field}) ? {root}.metadata.{field} : {empty}";

    /// <summary>A CEL string literal. Names here are DNS labels and fixed keys, so single quotes need no escapes.</summary>
    private static string Cel(string text) => $"'{text}'";
}
