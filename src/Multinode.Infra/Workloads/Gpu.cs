namespace Multinode.Infra.Workloads;

/// <summary>The GPU models Multinode can ask for.</summary>
public enum GpuType
{
    T4,
    A10G,
    L4,
    L40S,
    V100,
    A100,
    A100_80GB,
    H100,
    H200,
}

/// <summary>Canonical names and accepted aliases of GPU types: the one place that knows them.</summary>
public static class GpuTypes
{
    /// <summary>Canonical names, in the order of <see cref="GpuType"/>.</summary>
    public static readonly IReadOnlyList<(GpuType Type, string Name, string Description)> All =
    [
        (GpuType.T4, "t4", "NVIDIA T4, 16 GB"),
        (GpuType.A10G, "a10g", "NVIDIA A10G, 24 GB"),
        (GpuType.L4, "l4", "NVIDIA L4, 24 GB"),
        (GpuType.L40S, "l40s", "NVIDIA L40S, 48 GB"),
        (GpuType.V100, "v100", "NVIDIA V100, 16 GB"),
        (GpuType.A100, "a100", "NVIDIA A100, 40 GB"),
        (GpuType.A100_80GB, "a100-80gb", "NVIDIA A100, 80 GB"),
        (GpuType.H100, "h100", "NVIDIA H100, 80 GB"),
        (GpuType.H200, "h200", "NVIDIA H200, 141 GB"),
    ];

    public static string Name(this GpuType type) => All[(int)type].Name;

    /// <summary>Normalises "nvidia-tesla-t4", "Tesla T4", "A100-80GB", "a100_80gb", "NVIDIA H100" and the like.</summary>
    public static GpuType? TryParse(string text)
    {
        var key = new string([.. text.ToLowerInvariant().Where(char.IsLetterOrDigit)]);
        foreach (var prefix in new[] { "nvidiatesla", "nvidia", "tesla" })
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                key = key[prefix.Length..];
                break;
            }
        }
        key = key.Replace("sxm4", "", StringComparison.Ordinal).Replace("sxm5", "", StringComparison.Ordinal)
                 .Replace("pcie", "", StringComparison.Ordinal);
        return key switch
        {
            "t4" => GpuType.T4,
            "a10g" => GpuType.A10G,
            "l4" => GpuType.L4,
            "l40s" => GpuType.L40S,
            "v100" => GpuType.V100,
            "a100" or "a10040gb" => GpuType.A100,
            "a10080gb" or "a10080g" => GpuType.A100_80GB,
            "h100" or "h10080gb" => GpuType.H100,
            "h200" or "h200141gb" => GpuType.H200,
            _ => null,
        };
    }

    public static string AllowedList => string.Join(", ", All.Select(g => g.Name));
}

/// <summary>GPUs per worker.</summary>
public sealed record GpuRequest(GpuType Type, int Count)
{
    public const int MaxCount = 8;
}
