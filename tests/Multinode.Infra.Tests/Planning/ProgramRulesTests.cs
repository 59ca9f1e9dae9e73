using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class ProgramRulesTests
{
    private static readonly ProviderConfig Config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes, quotas: { gpu: 12 } }")).Value!;

    private static WorkloadPlan Plan(string name, int gpuWorkers, params string[] children)
    {
        var workload = WorkloadReader.Read(FunctionKind.Instance, name,
            Yaml.Map($"{{ image: a, maxWorkers: {gpuWorkers}, resources: {{ gpu: {{ type: t4 }} }} }}")).Value!;
        return new WorkloadPlan(workload, [.. children.Select(c => new PlannedResource("kubernetes:apps/v1:Deployment", c, PropertyMap.Empty, ResourceOptions.None))],
            PropertyMap.Empty, Summaries.AtMaximumScale(workload));
    }

    [Fact]
    public void Admit_OneAtATime_FailsTheWorkloadThatCrossesALimitWithTheWholeProgramsFailure()
    {
        var rules = new ProgramRules();
        Assert.Empty(rules.Admit(Plan("a", 10), Config));
        var failures = rules.Admit(Plan("b", 5), Config);
        Assert.Equal(
            ["provider config: quotas.gpu = 12 is exceeded: the workloads need 15 GPUs at maximum scale (largest: Function \"a\" 10, Function \"b\" 5)"],
            failures.Select(f => f.ToString()));
        Assert.Equal(ProgramRules.Check([Plan("a", 10), Plan("b", 5)], Config), failures);
    }

    [Fact]
    public void Admit_Refused_IsNotCounted()
    {
        var rules = new ProgramRules();
        Assert.Empty(rules.Admit(Plan("a", 10), Config));
        Assert.NotEmpty(rules.Admit(Plan("b", 5), Config));
        Assert.Empty(rules.Admit(Plan("c", 2), Config));
    }

    [Fact]
    public void Admit_SameWorkloadAgain_ReplacesItsEarlierPlan()
    {
        var rules = new ProgramRules();
        Assert.Empty(rules.Admit(Plan("a", 10), Config));
        Assert.Empty(rules.Admit(Plan("a", 12), Config));
        Assert.Equal(["quotas.gpu"], rules.Admit(Plan("b", 1), Config).Select(f => f.Path));
    }

    [Fact]
    public void Admit_ChildNameTakenByAnEarlierWorkload_FailsNamingBoth()
    {
        var rules = new ProgramRules();
        Assert.Empty(rules.Admit(Plan("api", 1, "api-lb-sg"), Config));
        Assert.Equal(
            ["Function \"api-lb\": name = \"api-lb\" plans the child kubernetes:apps/v1:Deployment \"api-lb-sg\", which Function \"api\" plans too; their URNs would be the same, which the engine refuses: rename one of the two"],
            rules.Admit(Plan("api-lb", 1, "api-lb-sg"), Config).Select(f => f.ToString()));
    }
}
