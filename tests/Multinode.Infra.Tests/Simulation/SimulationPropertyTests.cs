using System.Globalization;
using CsCheck;
using Multinode.Infra.Simulation;
using Aws = Multinode.Infra.Tests.Targets.Aws.AwsPlanning;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>What holds for any trace: the platforms stay inside the planned bounds, and cost is worker time × price.</summary>
public class SimulationPropertyTests
{
    private static readonly Gen<string> Trace = Gen.Select(Gen.Int[0, 1200], Gen.Int[0, 40]).Array[1, 5]
        .Select(steps => "seconds,workload,demand\n" + string.Concat(steps.DistinctBy(s => s.Item1)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Item1},f,{s.Item2}\n"))));

    private static readonly Gen<(int Max, int Spare, int Cooldown)> Function =
        Gen.Int[1, 30].SelectMany(max => Gen.Select(Gen.Int[0, max], Gen.Int[0, 600], (spare, cooldown) => (max, spare, cooldown)));

    private static readonly Gen<string> Config = Gen.OneOf(Gen.Const(Aws.Config), Gen.Const(Simulations.Kubernetes));

    [Fact]
    public void Run_AnyTraceOnAFunction_StaysWithinSpareAndMaxWorkersAndCostsWorkerTimeTimesPrice()
    {
        Gen.Select(Function, Trace, Config).Sample((f, trace, config) =>
        {
            var plan = Simulations.Plan($$"""
                f:
                  type: multinode:index:Function
                  properties: { image: i, maxWorkers: {{f.Max}}, spareWorkers: {{f.Spare}}, cooldownPeriod: {{f.Cooldown}} }
                """, config);
            var s = Assert.Single(Simulator.Run(plan, LoadTrace.Parse(trace), PlatformParameters.Default, 2400).Workloads);
            var price = plan.Workloads[0].Summary.WorkerHourlyCost!.Value;
            return s.Series.All(p => p.Running <= f.Max && p.Desired <= f.Max && p.Running >= f.Spare && p.Ideal <= f.Max && p.Ideal >= f.Spare)
                && s.Summary.Cost == decimal.Round(s.Summary.WorkerSeconds * price / 3600m, 4)
                && s.Summary.IdealCost == decimal.Round(s.Summary.IdealWorkerSeconds * price / 3600m, 4)
                && s.Summary.WorkerSeconds == Enumerable.Range(0, 2400).Sum(t => (long)Simulations.RunningAt(s, t));
        }, iter: 40);
    }

    [Fact]
    public void Run_AnyTraceOnAJobOrService_StaysWithinItsBounds()
    {
        Gen.Select(Gen.Int[1, 10], Gen.Int[1, 10], Trace, Config).Sample((a, b, trace, config) =>
        {
            var (min, max) = (Math.Min(a, b), Math.Max(a, b));
            var plan = Simulations.Plan($$"""
                f:
                  type: multinode:index:Service
                  properties: { image: i, minReplicas: {{min}}, maxReplicas: {{max}} }
                j:
                  type: multinode:index:Job
                  properties: { image: i, maxConcurrency: {{max}} }
                """, config);
            var jobTrace = trace + string.Join("", trace.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Replace(",f,", ",j,", StringComparison.Ordinal) + "\n"));
            var run = Simulator.Run(plan, LoadTrace.Parse(jobTrace), PlatformParameters.Default, 2400);
            var service = run.Workloads.Single(w => w.Name == "f");
            var job = run.Workloads.Single(w => w.Name == "j");
            return service.Series.All(p => p.Running >= min && p.Running <= max && p.Desired >= min && p.Desired <= max)
                && job.Series.All(p => p.Running <= max && p.Desired <= max && p.Ideal == Math.Min(max, (int)Math.Ceiling(p.Demand)));
        }, iter: 25);
    }
}
