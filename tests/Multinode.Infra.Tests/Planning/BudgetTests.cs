using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class BudgetTests
{
    private static WorkloadPlan Plan(string yaml, WorkloadKind kind, string name, decimal? hourly)
    {
        var workload = WorkloadReader.Read(kind, name, Yaml.Map(yaml)).Value!;
        return new WorkloadPlan(workload, [], PropertyMap.Empty, Summaries.AtMaximumScale(workload) with { MaxHourlyCost = hourly });
    }

    private static readonly IReadOnlyList<WorkloadPlan> Plans =
    [
        Plan("{ image: a, maxWorkers: 20, resources: { cpu: 4, memory: 16Gi, gpu: { type: t4 } } }", FunctionKind.Instance, "embed", 10.52m),
        Plan("{ image: a, maxConcurrency: 5, resources: { cpu: 8, memory: 16Gi } }", JobKind.Instance, "transcode", 1.7m),
        Plan("{ image: a, maxReplicas: 8, resources: { cpu: 2, memory: 4Gi } }", ServiceKind.Instance, "api", 0.6656m),
        Plan("{ image: a, resources: { cpu: 0.5, memory: 1Gi } }", DaemonKind.Instance, "ingest", 0.0208m),
    ];

    private static ProviderConfig Config(string yaml) => ProviderConfigReader.Read(Yaml.Map(yaml), KindRegistry.Default).Value!;

    [Theory]
    [InlineData("{ target: kubernetes, quotas: { cpu: 100 } }",
        "provider config: quotas.cpu = 100 is exceeded: the workloads need 136.5 vCPU at maximum scale (largest: Function \"embed\" 80, Job \"transcode\" 40, Service \"api\" 16)")]
    [InlineData("{ target: kubernetes, quotas: { memory: 256Gi } }",
        "provider config: quotas.memory = \"256Gi\" is exceeded: the workloads need 433Gi of memory at maximum scale (largest: Function \"embed\" 320Gi, Job \"transcode\" 80Gi, Service \"api\" 32Gi)")]
    [InlineData("{ target: kubernetes, quotas: { gpu: 16 } }",
        "provider config: quotas.gpu = 16 is exceeded: the workloads need 20 GPUs at maximum scale (largest: Function \"embed\" 20)")]
    [InlineData("{ target: kubernetes, maxHourlyCost: 10 }",
        "provider config: maxHourlyCost = 10 is exceeded: the workloads need a worst-case on-demand cost of $12.9064 per hour at maximum scale (largest: Function \"embed\" $10.52, Job \"transcode\" $1.7, Service \"api\" $0.6656)")]
    public void Check_OverLimit_NamesQuotaTotalLimitAndLargest(string config, string expected) =>
        Assert.Equal([expected], Budget.Check(Plans, Config(config)).Select(f => f.ToString()));

    [Fact]
    public void Check_AllExceeded_ReportsEveryOne() =>
        Assert.Equal(["quotas.cpu", "quotas.memory", "quotas.gpu", "maxHourlyCost"],
            Budget.Check(Plans, Config("{ target: kubernetes, quotas: { cpu: 1, memory: 1Gi, gpu: 1 }, maxHourlyCost: 1 }")).Select(f => f.Path));

    [Fact]
    public void Check_AtExactlyTheLimit_Passes() =>
        Assert.Empty(Budget.Check(Plans, Config("{ target: kubernetes, quotas: { cpu: 136.5, memory: 433Gi, gpu: 20 }, maxHourlyCost: 12.9064 }")));

    [Fact]
    public void Check_UnpricedWorkload_SaysBudgetCannotBeChecked()
    {
        var plans = Plans.Append(Plan("{ image: a }", DaemonKind.Instance, "free", null)).ToList();
        Assert.Equal(["provider config: maxHourlyCost = 100 cannot be checked: no price is known for Daemon \"free\""],
            Budget.Check(plans, Config("{ target: kubernetes, maxHourlyCost: 100 }")).Select(f => f.ToString()));
    }
}
