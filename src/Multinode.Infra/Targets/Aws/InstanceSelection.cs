using Multinode.Infra.Catalog;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>The machine types a workload's group launches: the first is the launch template's; more than one become
/// the overrides of a mixed-instances policy. Costs are priced at the dearest of them (the worst case).</summary>
public sealed record InstanceChoice(IReadOnlyList<InstanceType> Types, bool Overridden)
{
    public InstanceType Primary => Types[0];

    /// <summary>The dearest listed type's price while a worker uses <paramref name="cpu"/> vCPUs.</summary>
    public decimal WorstPricePerHour(double cpu) => Types.Max(t => t.PriceAtLoad(cpu));
}

/// <summary>Chooses instance types for a workload: the cheapest catalog match, or the declared
/// <c>instanceTypes</c> after checking each against the request.</summary>
public static class InstanceSelection
{
    public static Result<InstanceChoice> Choose(Workload workload, InstanceCatalog catalog) =>
        Choose(workload.Label, workload.Resources, workload.Container.InstanceTypes, catalog);

    /// <summary>The choice for one worker of <paramref name="request"/> with <paramref name="declared"/> instance types
    /// (none: the cheapest match); failures name <paramref name="label"/>.</summary>
    public static Result<InstanceChoice> Choose(string label, ResourceRequest request, IReadOnlyList<string> declared,
        InstanceCatalog catalog)
    {
        if (declared.Count > 0)
        {
            var failures = new List<ValidationFailure>();
            var types = new List<InstanceType>();
            for (var i = 0; i < declared.Count; i++)
            {
                var path = $"instanceTypes[{i}]";
                var name = declared[i];
                if (catalog.Find(name) is not { } type)
                {
                    var suggestion = InputReader.Suggest(name, catalog.Types.Select(t => t.Name));
                    failures.Add(new ValidationFailure(label, path,
                        $"{path} = {PropertyValue.QuoteShort(name)} is not in the instance catalog ({catalog.Region}, {catalog.Date}); " +
                        (suggestion is null ? "see docs/aws.md for the families it covers" : $"did you mean {PropertyValue.QuoteShort(suggestion)}?")));
                    continue;
                }
                var shortfalls = type.Shortfalls(request);
                if (shortfalls.Count > 0)
                {
                    failures.Add(new ValidationFailure(label, path,
                        $"{path} = {PropertyValue.QuoteShort(name)} does not fit the request: {type.Description} has {string.Join(", ", shortfalls)}"));
                    continue;
                }
                types.Add(type);
            }
            return failures.Count > 0
                ? Result<InstanceChoice>.Fail(failures)
                : Result<InstanceChoice>.Ok(new InstanceChoice(types, Overridden: true));
        }
        if (catalog.Cheapest(request) is { } cheapest)
            return Result<InstanceChoice>.Ok(new InstanceChoice([cheapest], Overridden: false));
        return Result<InstanceChoice>.Fail([NoneFits(label, request, catalog, "instance type")]);
    }

    /// <summary>Names the request's binding dimension and the largest machine that would come closest; a
    /// <paramref name="machine"/> is what the target runs workers on ("instance type", "node type of the catalog").</summary>
    internal static ValidationFailure NoneFits(Workload workload, InstanceCatalog catalog, string machine) =>
        NoneFits(workload.Label, workload.Resources, catalog, machine);

    private static ValidationFailure NoneFits(string label, ResourceRequest request, InstanceCatalog catalog,
        string machine)
    {
        var largest = catalog.Largest(request);
        var withLargest = largest is null ? "the catalog has no such machine" : $"the largest is {largest.Description}";
        if (request.Gpu is { } gpu)
        {
            var gpuFits = catalog.Candidates(request).Where(t => t.Gpu!.Count >= gpu.Count).ToList();
            if (gpuFits.Count == 0)
                return new ValidationFailure(label, "resources.gpu",
                    $"resources.gpu = {gpu.Count} × {gpu.Type.Name()} fits no {machine}; {withLargest}");
        }
        var compatible = catalog.Candidates(request)
            .Where(t => request.Gpu is not { } g || t.Gpu!.Count >= g.Count).ToList();
        var gpuText = request.Gpu is { } r ? $" with {r.Count} × {r.Type.Name()}" : "";
        var cpu = Numbers.Exact(request.Cpu);
        if (compatible.All(t => t.AllocatableCpu < request.Cpu))
            return new ValidationFailure(label, "resources.cpu", $"resources.cpu = {cpu}{gpuText} fits no {machine}; {withLargest}");
        if (compatible.All(t => t.AllocatableMemory.Bytes < request.Memory.Bytes))
            return new ValidationFailure(label, "resources.memory",
                $"resources.memory = \"{request.Memory}\"{gpuText} fits no {machine}; {withLargest}");
        return new ValidationFailure(label, "resources",
            $"resources = {cpu} vCPU and {request.Memory}{gpuText} together fit no {machine}; {withLargest}");
    }
}
