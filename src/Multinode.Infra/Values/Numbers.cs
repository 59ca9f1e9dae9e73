using System.Globalization;

namespace Multinode.Infra.Values;

/// <summary>How every figure prints — in messages, tables, Markdown and JSON — so that one number never shows two
/// ways (0.5 in one table, 0.50 in the next). Always the invariant culture.</summary>
public static class Numbers
{
    /// <summary>A number exactly as written or computed, shortest round-trip form: 2, 0.25, 1E-05, NaN, Infinity.
    /// </summary>
    public static string Exact(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A whole number: 12, or 65,536 with <paramref name="grouped"/>.</summary>
    public static string Whole(long value, bool grouped = false) =>
        value.ToString(grouped ? "#,##0" : "0", CultureInfo.InvariantCulture);

    /// <summary>A measured figure rounded for reading, trailing zeros dropped: 1.5, 0.333 (at most
    /// <paramref name="decimals"/> places).</summary>
    public static string Short(double value, int decimals = 3) =>
        value.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);

    /// <summary>A figure with exactly <paramref name="decimals"/> places: 1.50.</summary>
    public static string Fixed(double value, int decimals = 2) =>
        value.ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture);

    /// <summary>A large amount with thousands separators and two places: 332,077.00.</summary>
    public static string Grouped(decimal value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>A share of a limit in whole percent: "42%"; "n/a" without a positive limit.</summary>
    public static string Percent(double used, double limit) =>
        limit <= 0 ? "n/a" : (used / limit).ToString("0%", CultureInfo.InvariantCulture);

    /// <summary>Money as people read it: "$1.2345", at most four decimal places, trailing zeros dropped.</summary>
    public static string Dollars(decimal amount) => "$" + amount.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>Drops trailing zeros (0.8320 → 0.832) so figures print the same whatever their arithmetic.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
