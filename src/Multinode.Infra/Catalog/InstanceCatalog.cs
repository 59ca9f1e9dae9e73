using System.Globalization;
using System.Text.Json;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Catalog;

/// <summary>
/// A dated list of machine types with their shapes and on-demand prices. Target-neutral: AWS picks its
/// instance type from it and any target can price a node with it. The default is the embedded
/// <c>Catalog/instance-types.json</c>: a snapshot with its source and date, never fetched at run time.
/// </summary>
public sealed class InstanceCatalog
{
    private readonly Dictionary<string, InstanceType> _byName;

    /// <summary><see cref="Cheapest"/> per distinct request: a program's workloads mostly ask for a few shapes, and
    /// the answer depends on the request alone.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ResourceRequest, InstanceType?> _cheapest = new();

    public InstanceCatalog(string source, string date, string region, IReadOnlyList<InstanceType> types)
    {
        Source = source;
        Date = date;
        Region = region;
        Types = types;
        _byName = types.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Where the figures come from.</summary>
    public string Source { get; }

    /// <summary>When the figures were taken (ISO date); prices after it may differ.</summary>
    public string Date { get; }

    /// <summary>The region the prices are for.</summary>
    public string Region { get; }

    /// <summary>Every type, in catalog order.</summary>
    public IReadOnlyList<InstanceType> Types { get; }

    private static readonly Lazy<InstanceCatalog> Embedded = new(() =>
    {
        using var stream = typeof(InstanceCatalog).Assembly.GetManifestResourceStream("Multinode.Infra.Catalog.instance-types.json")
            ?? throw new InvalidOperationException("the embedded instance catalog is missing from the assembly");
        using var document = JsonDocument.Parse(stream);
        return Parse(document.RootElement);
    });

    /// <summary>The embedded catalog.</summary>
    public static InstanceCatalog Default => Embedded.Value;

    /// <summary>Reads the catalog format (see <c>Catalog/instance-types.json</c>).</summary>
    public static InstanceCatalog Parse(JsonElement root)
    {
        var types = new List<InstanceType>();
        var surcharge = root.TryGetProperty("burstableSurchargePerVCpuHour", out var rate)
            ? decimal.Parse(rate.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)
            : 0m;
        foreach (var entry in root.GetProperty("instanceTypes").EnumerateArray())
        {
            GpuSpec? gpu = null;
            if (entry.TryGetProperty("gpu", out var g))
            {
                var model = g.GetProperty("type").GetString()!;
                gpu = new GpuSpec(GpuTypes.TryParse(model) ?? throw new InvalidOperationException($"catalog GPU type \"{model}\" is unknown"),
                    g.GetProperty("count").GetInt32(), g.GetProperty("memoryGiB").GetInt32());
            }
            types.Add(new InstanceType(entry.GetProperty("name").GetString()!, entry.GetProperty("vcpus").GetInt32(),
                entry.GetProperty("memoryGiB").GetDouble(), gpu,
                decimal.Parse(entry.GetProperty("pricePerHour").GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture))
            {
                BaselineCpuFraction = entry.TryGetProperty("baselineCpuPercent", out var b) ? b.GetDouble() / 100 : null,
                BurstSurchargePerVCpuHour = surcharge,
            });
        }
        return new InstanceCatalog(root.GetProperty("source").GetString()!, root.GetProperty("date").GetString()!,
            root.GetProperty("region").GetString()!, types);
    }

    public InstanceType? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The cheapest type <paramref name="request"/> fits on, priced at the load it asks for (see
    /// <see cref="InstanceType.PriceAtLoad"/>); ties go to the smaller, then to catalog order.</summary>
    public InstanceType? Cheapest(ResourceRequest request) =>
        _cheapest.GetOrAdd(request, static (r, catalog) => catalog.FindCheapest(r), this);

    private InstanceType? FindCheapest(ResourceRequest request) =>
        Types.Where(t => t.Fits(request)).OrderBy(t => t.PriceAtLoad(request.Cpu)).ThenBy(t => t.VCpus).ThenBy(t => t.MemoryGiB).FirstOrDefault();

    /// <summary>The types a request could land on if it were small enough: those with its GPU model, or those without
    /// GPUs when it asks for none.</summary>
    public IEnumerable<InstanceType> Candidates(ResourceRequest request) =>
        Types.Where(t => request.Gpu is { } gpu ? t.Gpu?.Type == gpu.Type : t.Gpu is null);

    /// <summary>The largest candidate for <paramref name="request"/> (most GPUs, then vCPUs, then memory): what an
    /// error names when nothing fits.</summary>
    public InstanceType? Largest(ResourceRequest request) =>
        Candidates(request).OrderByDescending(t => t.Gpu?.Count ?? 0).ThenByDescending(t => t.VCpus)
            .ThenByDescending(t => t.MemoryGiB).ThenBy(t => t.PricePerHour).FirstOrDefault();
}
