using System.Text;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// Shapes text built from pass-through parts, keeping the rule of <see cref="PropertyValue.Concat"/>: what derives
/// from an unknown part is unknown, what derives from a secret part is secret.
/// </summary>
internal static class Text
{
    /// <summary>Applies <paramref name="map"/> to the text inside a value, keeping it secret or unknown.</summary>
    /// <remarks>An unknown (or a reference) maps to an unknown made of it by this map, the map named by what it makes
    /// of a marker: the same map of the same unknown is the same value in a diff; <c>KEY=</c> and <c>OTHER=</c> are
    /// not the same map.</remarks>
    public static PropertyValue Map(PropertyValue value, Func<string, string> map) => value switch
    {
        SecretValue s => PropertyValue.Secret(Map(s.Value, map)),
        StringValue v => PropertyValue.From(map(v.Value)),
        NumberValue or BoolValue => PropertyValue.From(map(value.Display())),
        _ => PropertyValue.UnknownFrom("text " + map(Marker), value),
    };

    /// <summary>The text a map's unknown result is named by (<see cref="Map"/>): no program writes it.</summary>
    private const string Marker = "\u0000value\u0000";

    /// <summary>Quotes text for a POSIX shell: single quotes, each embedded quote closed, escaped and reopened.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static PropertyValue Base64(PropertyValue value) => Map(value, s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)));
}
