using Multinode.Infra.Catalog;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// On AWS every worker has an instance of its own, so a GPU request smaller than the instance's GPUs pays for the
/// rest (docs/aws.md, "GPUs"): 1 × A100 buys a p4d.24xlarge with 8. When half or more of the instance's GPUs would
/// be idle, the plan warns (<c>validate</c>, <c>plan</c> and the PR comment show it) with the cost per worker and
/// what would be cheaper: a type of another model with fewer than half its GPUs idle and at least as much memory per
/// GPU, or the Kubernetes target, which packs several workers on one such node.
/// </summary>
internal static class GpuWaste
{
    /// <summary>The warning for <paramref name="workload"/> on <paramref name="choice"/>; null when its GPUs are
    /// used.</summary>
    public static ValidationFailure? Check(Workload workload, InstanceChoice choice, InstanceCatalog catalog)
    {
        var request = workload.Resources;
        if (request.Gpu is not { } gpu) return null;
        // The type with most idle GPUs among those the group may launch.
        var type = choice.Types.MaxBy(t => t.Gpu!.Count)!;
        var count = type.Gpu!.Count;
        var idle = count - gpu.Count;
        if (2 * idle < count) return null;
        var price = type.PriceAtLoad(request.Cpu);
        var workers = workload.MaxWorkers;
        var text = $"resources.gpu = {gpu.Count} × {gpu.Type.Name()} leaves {idle} of the {count} GPUs " +
                   $"of {type.Name} idle on AWS, where each worker has an instance of its own: " +
                   $"{Money(price)}/h per worker ({Money(price * workers)}/h at {Workers(workers)})";
        var cheaper = new List<string>();
        if (OtherModel(request, type, catalog) is { } other && other.PriceAtLoad(request.Cpu) < price)
            cheaper.Add($"{other.Description} at {Money(other.PriceAtLoad(request.Cpu))}/h per worker " +
                        $"(resources.gpu.type = {other.Gpu!.Type.Name()}, at least as much GPU memory)");
        if (NodePacking.Cheapest(catalog, request, workers) is { WorkersPerNode: > 1 } packing &&
            packing.HourlyCost / workers < price)
        {
            var perWorker = Money(decimal.Round(packing.HourlyCost / workers, 4));
            cheaper.Add($"the kubernetes target, packing {packing.WorkersPerNode} workers per {packing.Type.Name} " +
                        $"node: {packing.Nodes} node{(packing.Nodes == 1 ? "" : "s")}, {Money(packing.HourlyCost)}/h " +
                        $"at {Workers(workers)} ({perWorker}/h per worker)");
        }
        return new ValidationFailure(workload.Label, "resources.gpu",
            cheaper.Count == 0 ? text : $"{text}; cheaper: {string.Join(", or ", cheaper)}");
    }

    private static string Money(decimal amount) => Numbers.Dollars(Numbers.Normalize(amount));

    private static string Workers(int count) => count == 1 ? "1 worker" : $"{count} workers";

    /// <summary>The cheapest type of another GPU model that gives a worker as many GPUs with at least the memory
    /// each, leaving fewer than half of them idle, and fits the rest of the request.</summary>
    private static InstanceType? OtherModel(ResourceRequest request, InstanceType chosen, InstanceCatalog catalog)
    {
        var gpu = request.Gpu!;
        return catalog.Types
            .Where(t => t.Gpu is { } g && g.Type != gpu.Type && g.MemoryGiB >= chosen.Gpu!.MemoryGiB &&
                        g.Count >= gpu.Count && 2 * (g.Count - gpu.Count) < g.Count &&
                        t.Fits(request with { Gpu = gpu with { Type = g.Type } }))
            .OrderBy(t => t.PriceAtLoad(request.Cpu)).ThenBy(t => t.VCpus)
            .FirstOrDefault();
    }
}
