using System.Globalization;
using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>
/// Multinode's quotas and budget: totals at maximum scale (every workload at its maximum) against
/// <c>multinode:quotas</c> and <c>multinode:maxHourlyCost</c>. Quotas take priority over per-workload maxima,
/// so a program over a quota fails validation, plan, diff and Construct alike.
/// </summary>
public static class Budget
{
    public const string Resource = ProviderConfigReader.Resource;

    /// <summary>Every quota or budget the plans exceed, each naming the total, the limit and the largest contributors.</summary>
    public static IReadOnlyList<ValidationFailure> Check(IReadOnlyList<WorkloadPlan> plans, ProviderConfig config)
    {
        var failures = new List<ValidationFailure>();
        var quotas = config.Quotas;
        if (quotas.Cpu is { } cpu)
            Over(failures, plans, "quotas.cpu", Numbers.Exact(cpu), cpu, p => p.Summary.MaxCpu,
                v => $"{Numbers.Exact(v)} vCPU", v => Numbers.Exact(v));
        if (quotas.Memory is { } memory)
            Over(failures, plans, "quotas.memory", PropertyValue.Quote(memory.ToString()), memory.Bytes, p => p.Summary.MaxMemory.Bytes,
                v => $"{new Memory((long)v)} of memory", v => new Memory((long)v).ToString());
        if (quotas.Gpu is { } gpu)
            Over(failures, plans, "quotas.gpu", gpu.ToString(CultureInfo.InvariantCulture), gpu, p => p.Summary.MaxGpus,
                v => $"{v} GPUs", v => v.ToString(CultureInfo.InvariantCulture));
        if (config.MaxHourlyCost is { } budget)
        {
            var unpriced = plans.Where(p => p.Summary.MaxHourlyCost is null).Select(p => p.Workload.Label).ToList();
            if (unpriced.Count > 0)
                failures.Add(new ValidationFailure(Resource, "maxHourlyCost",
                    $"maxHourlyCost = {Numbers.Exact(budget)} cannot be checked: no price is known for {string.Join(", ", unpriced)}"));
            else
                Over(failures, plans, "maxHourlyCost", Numbers.Exact(budget), budget, p => (double)p.Summary.MaxHourlyCost!.Value,
                    v => $"a worst-case on-demand cost of {Numbers.Dollars((decimal)v)} per hour", v => Numbers.Dollars((decimal)v));
        }
        return failures;
    }

    private static void Over(List<ValidationFailure> failures, IReadOnlyList<WorkloadPlan> plans, string path, string limitText,
        double limit, Func<WorkloadPlan, double> use, Func<double, string> total, Func<double, string> each)
    {
        var sum = plans.Sum(use);
        if (sum <= limit + 1e-9) return;
        var largest = plans
            .Select((p, i) => (Plan: p, Index: i, Use: use(p)))
            .Where(x => x.Use > 0)
            .OrderByDescending(x => x.Use).ThenBy(x => x.Index)
            .Take(3)
            .Select(x => $"{x.Plan.Workload.Label} {each(x.Use)}");
        failures.Add(new ValidationFailure(Resource, path,
            $"{path} = {limitText} is exceeded: the workloads need {total(sum)} at maximum scale (largest: {string.Join(", ", largest)})"));
    }
}
