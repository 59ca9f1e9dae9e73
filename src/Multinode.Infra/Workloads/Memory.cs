using System.Globalization;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Workloads;

/// <summary>An amount of memory in bytes. Parsing accepts Kubernetes quantities ("512Mi", "16Gi", "1G")
/// and the spaced unit form people write ("16 GiB", "512 MB").</summary>
public sealed partial record Memory(long Bytes)
{
    private const long Ki = 1024, Mi = Ki * 1024, Gi = Mi * 1024, Ti = Gi * 1024;

    /// <summary>The largest amount accepted (1 TiB per worker, above every catalog entry).</summary>
    public static readonly Memory Max = new(4 * Ti);

    public double GiB => Bytes / (double)Gi;
    public double MiB => Bytes / (double)Mi;

    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("Ki", Ki), ("Mi", Mi), ("Gi", Gi), ("Ti", Ti),
        ("KiB", Ki), ("MiB", Mi), ("GiB", Gi), ("TiB", Ti),
        ("k", 1000), ("K", 1000), ("M", 1000_000), ("G", 1000_000_000), ("T", 1000_000_000_000),
        ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000), ("TB", 1000_000_000_000),
        ("", 1), ("B", 1),
    ];

    [GeneratedRegex(@"^\s*(?<n>[0-9]+(\.[0-9]+)?)\s*(?<u>[A-Za-z]*)\s*$")]
    private static partial Regex Pattern();

    /// <summary>Parses a quantity; null with a reason when it is not one.</summary>
    public static Memory? TryParse(string text, out string? error)
    {
        error = null;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            error = "is not a memory quantity such as \"512Mi\", \"16Gi\" or \"16 GiB\"";
            return null;
        }
        var unit = match.Groups["u"].Value;
        var factor = Units.FirstOrDefault(u => u.Suffix == unit).Factor;
        if (factor == 0)
        {
            error = $"has an unknown unit \"{unit}\" (use Mi, Gi, MiB, GiB, M or G)";
            return null;
        }
        // Compared before multiplying: a number of any length is refused by the limit, never by an overflow.
        if (!decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ||
            number > (decimal)Max.Bytes / factor)
        {
            error = $"is above the limit of {Max}";
            return null;
        }
        var bytes = number * factor;
        if (bytes > Max.Bytes)
        {
            error = $"is above the limit of {Max}";
            return null;
        }
        if (bytes != decimal.Floor(bytes))
        {
            error = "is not a whole number of bytes";
            return null;
        }
        if (bytes < Mi)
        {
            error = "is below the minimum of 1Mi";
            return null;
        }
        return new Memory((long)bytes);
    }

    /// <summary>
    /// The end of a warning for a quantity in a decimal unit written with "B" ("2GB"): read as the Kubernetes quantity
    /// in that decimal unit ("2G", 2 × 10⁹ bytes), while people who write GB often mean gibibytes ("2Gi"). Null for
    /// any other unit. Kubernetes' quantity suffixes are the decimal k, M, G, T and the binary Ki, Mi, Gi, Ti
    /// (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
    /// </summary>
    public static string? DecimalUnitWarning(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success || match.Groups["u"].Value is not ("KB" or "MB" or "GB" or "TB") || TryParse(text, out _) is not { } memory)
            return null;
        var unit = match.Groups["u"].Value;
        var number = match.Groups["n"].Value;
        var kubernetes = $"{number}{(unit[0] == 'K' ? 'k' : unit[0])}";
        return $"is read as the Kubernetes quantity \"{kubernetes}\" ({memory.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, " +
            $"{memory.GiB.ToString("0.##", CultureInfo.InvariantCulture)} GiB); if gibibytes are meant, write \"{number}{unit[0]}i\"";
    }

    /// <summary>Parses or throws; for literals in code and tests.</summary>
    public static Memory Parse(string text) =>
        TryParse(text, out var error) ?? throw new FormatException($"\"{text}\" {error}");

    /// <summary>The Kubernetes quantity, in the largest binary unit that divides it exactly.</summary>
    public override string ToString() =>
        Bytes % Ti == 0 ? $"{Bytes / Ti}Ti"
        : Bytes % Gi == 0 ? $"{Bytes / Gi}Gi"
        : Bytes % Mi == 0 ? $"{Bytes / Mi}Mi"
        : Bytes % Ki == 0 ? $"{Bytes / Ki}Ki"
        : Bytes.ToString(CultureInfo.InvariantCulture);
}
