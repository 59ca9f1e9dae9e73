using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>Turns one validated workload into child resources for one target.</summary>
public interface ITarget
{
    /// <summary>The plan, or failures the target alone can find (e.g. no instance type fits the request).</summary>
    Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config);
}

/// <summary>What a target answers for a kind it has no mapping for: a validation failure naming both, never a
/// silent default.</summary>
public static class UnmappedKind
{
    public static Result<WorkloadPlan> Fail(Workload workload, string target) =>
        Result<WorkloadPlan>.Fail([new ValidationFailure(workload.Label, "type",
            $"target {target} does not plan kind {workload.Kind.Name}")]);
}
