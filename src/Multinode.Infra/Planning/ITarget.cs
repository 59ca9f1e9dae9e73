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
