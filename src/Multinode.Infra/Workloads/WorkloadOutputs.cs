using Multinode.Infra.Validation;

namespace Multinode.Infra.Workloads;

/// <summary>The outputs components publish, whatever the target; each kind lists its own in its definition
/// (<see cref="WorkloadKind.Outputs"/>), the schema declares them and each target's plan fills exactly those keys
/// (<see cref="Planning.WorkloadPlan.Outputs"/>).</summary>
public static class WorkloadOutputs
{
    public static readonly InputSpec Children = new("children", InputType.StringArray,
        "Logical names of the child resources this component created, in registration order.");

    public static readonly InputSpec Queue = new("queue", InputType.String,
        "Where work is sent: the SQS queue URL on AWS; the Redis list or SQS queue URL the workers read on Kubernetes.");

    public static readonly InputSpec Endpoint = new("endpoint", InputType.String,
        "URL clients call: the load balancer's http://DNS name on AWS; the in-cluster Service URL on Kubernetes.");

    public static readonly InputSpec Schedule = new("schedule", InputType.String,
        "The cron schedule and time zone the runs follow, e.g. \"0 3 * * * (Europe/Berlin)\".");
}
