using Multinode.Infra.Cli;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

/// <summary>A large program is planned on every core; what comes out is what planning one workload after another gives.</summary>
public sealed class PlannerTests
{
    /// <summary>The root example's five workloads, <paramref name="copies"/> times over, each copy under its own name
    /// and image, without the example's budget (which so many copies would exceed); every <paramref name="unfit"/>th
    /// copy asks for a machine no catalog type holds.</summary>
    private static ValidatedProgram Program(string target, int copies, int unfit = int.MaxValue)
    {
        var (program, _) = ProgramLoader.Load(Repo.File("Pulumi.yaml"), null, KindRegistry.Default);
        var resources = Enumerable.Range(0, copies).SelectMany(k => program.Resources.Select(r => r with
        {
            Name = $"{r.Name}-{k}",
            Properties = k % unfit == unfit - 1
                ? r.Properties.With("image", $"ghcr.io/example/{r.Name}:{k}").With("resources", new PropertyMap(("cpu", 190), ("memory", "3000Gi")))
                : r.Properties.With("image", $"ghcr.io/example/{r.Name}:{k}"),
        }));
        var config = new PropertyMap(program.Config.Where(e => e.Key != "maxHourlyCost")).With("target", target);
        var valid = Planner.Validate(new ProgramDeclaration([.. resources], config), KindRegistry.Default);
        Assert.True(valid.IsValid, string.Join("\n", valid.Failures));
        return valid.Value!;
    }

    private static string Json(Plan plan)
    {
        var text = new StringWriter();
        PlanJson.Write(plan, text);
        return text.ToString();
    }

    [Theory]
    [InlineData("aws")]
    [InlineData("kubernetes")]
    public void Plan_ManyWorkloadsOnEveryCore_SameAsOneByOne(string target)
    {
        var program = Program(target, copies: 60);
        var oneByOne = Planner.Plan(program.Config, program.Workloads, _ => null, cores: 1);
        var everyCore = Planner.Plan(program.Config, program.Workloads, _ => null, cores: 4);
        Assert.True(oneByOne.IsValid, string.Join("\n", oneByOne.Failures));
        Assert.Equal(300, everyCore.Value!.Workloads.Count);
        Assert.Equal(program.Workloads.Select(w => w.Name), everyCore.Value!.Workloads.Select(w => w.Workload.Name));
        Assert.Equal(Json(oneByOne.Value!), Json(everyCore.Value!));
    }

    [Fact]
    public void Plan_FailuresOnEveryCore_InDeclarationOrder()
    {
        var program = Program("aws", copies: 60, unfit: 7);
        var oneByOne = Planner.Plan(program.Config, program.Workloads, _ => null, cores: 1);
        var everyCore = Planner.Plan(program.Config, program.Workloads, _ => null, cores: 4);
        Assert.True(oneByOne.Failures.Select(f => f.Resource).Distinct().Count() >= 10, string.Join("\n", oneByOne.Failures));
        Assert.Equal(oneByOne.Failures, everyCore.Failures);
    }
}
