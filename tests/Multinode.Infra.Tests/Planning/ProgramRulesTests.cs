using CsCheck;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

public sealed class ProgramRulesTests
{
    private static readonly ProviderConfig Config = ProviderConfigReader.Read(Yaml.Map("{ target: kubernetes, quotas: { gpu: 12 } }"), KindRegistry.Default).Value!;

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

    /// <summary>What <see cref="ProgramRules.Admit"/> must answer: the whole-program check of the workloads admitted
    /// so far (in the order first admitted, the same workload's earlier plan left out) with the new plan last.</summary>
    private sealed class WholeProgram(ProviderConfig config)
    {
        private readonly List<WorkloadPlan> _admitted = [];

        public IReadOnlyList<ValidationFailure> Admit(WorkloadPlan plan)
        {
            var at = _admitted.FindIndex(a => a.Workload.Label == plan.Workload.Label);
            var failures = ProgramRules.Check([.. _admitted.Where((_, i) => i != at), plan], config);
            if (failures.Count == 0)
            {
                if (at >= 0) _admitted[at] = plan;
                else _admitted.Add(plan);
            }
            return failures;
        }
    }

    private static readonly string[] ConfigTexts =
    [
        "{ target: kubernetes, quotas: { gpu: 12 } }",
        "{ target: kubernetes, quotas: { gpu: 6, cpu: 9 } }",
        "{ target: kubernetes, quotas: { gpu: 20, memory: 24Gi } }",
        "{ target: kubernetes, quotas: { gpu: 9 }, maxHourlyCost: 100 }",
        "{ target: kubernetes }",
    ];

    [Fact]
    public void Admit_AnySequence_AnswersWhatTheWholeProgramCheckAnswers()
    {
        var names = new[] { "a", "b", "c", "a-x", "d" };
        var children = new[] { "a-x-sg", "b-q", "shared", "c-q" };
        var plan = Gen.Select(Gen.Int[0, names.Length - 1], Gen.Int[1, 6], Gen.Int[0, (1 << children.Length) - 1],
            (name, gpus, mask) => Plan(names[name], gpus,
                [$"{names[name]}-sg", .. children.Where((_, i) => (mask & (1 << i)) != 0)]));
        Gen.Select(Gen.Int[0, ConfigTexts.Length - 1], plan.Array[1, 25]).Sample((configAt, plans) =>
        {
            var config = ProviderConfigReader.Read(Yaml.Map(ConfigTexts[configAt]), KindRegistry.Default).Value!;
            var rules = new ProgramRules();
            var model = new WholeProgram(config);
            foreach (var p in plans)
                Assert.Equal(model.Admit(p).Select(f => f.ToString()), rules.Admit(p, config).Select(f => f.ToString()));
        }, iter: 500);
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
