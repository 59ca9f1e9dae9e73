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
    public static PropertyValue Map(PropertyValue value, Func<string, string> map) => value switch
    {
        SecretValue s => PropertyValue.Secret(Map(s.Value, map)),
        StringValue v => PropertyValue.From(map(v.Value)),
        NumberValue or BoolValue => PropertyValue.From(map(value.Display())),
        _ => PropertyValue.Unknown,
    };

    /// <summary>Quotes text for a POSIX shell: single quotes, each embedded quote closed, escaped and reopened.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static PropertyValue Base64(PropertyValue value) => Map(value, s => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)));
}
