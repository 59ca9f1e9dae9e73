using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Schema;

/// <summary>A provider function (Pulumi invoke): its token, inputs and outputs, as the schema publishes them.</summary>
public sealed record FunctionSpec(string Token, string Description, IReadOnlyList<InputSpec> Inputs, IReadOnlyList<InputSpec> Outputs);

/// <summary>The provider's functions.</summary>
public static class Functions
{
    /// <summary><c>multinode:index:selectInstanceType</c>: the instance type a workload with these resources gets on AWS.</summary>
    public static readonly FunctionSpec SelectInstanceType = new(
        $"{WorkloadKinds.Package}:index:selectInstanceType",
        "The EC2 instance type a workload with these resources gets on AWS: the cheapest catalog entry that fits. " +
        "With live = true and AWS credentials present, the candidates come from EC2's DescribeInstanceTypes in the region instead.",
        [
            .. WorkloadInputs.Resources,
            new("region", InputType.String, "AWS region.") { Default = "us-east-1" },
            new("live", InputType.Boolean, "Ask EC2 (needs AWS credentials) instead of the embedded catalog.") { Default = false },
        ],
        [
            new("instanceType", InputType.String, "The chosen instance type, e.g. \"g4dn.xlarge\".") { Required = true },
            new("source", InputType.String, "Where the answer came from: \"catalog\" or \"ec2\".") { Required = true },
            new("hourlyPrice", InputType.Number, "On-demand USD per hour in the catalog's region (catalog answers only)."),
            new("vcpus", InputType.Integer, "vCPUs of the instance type."),
            new("memory", InputType.String, "Memory of the instance type as a quantity, e.g. \"16Gi\"."),
            new("catalogDate", InputType.String, "Date of the catalog's prices (catalog answers only)."),
            new("region", InputType.String, "Region of the catalog's prices (catalog answers only)."),
        ]);

    public static readonly IReadOnlyList<FunctionSpec> All = [SelectInstanceType];
}
