using System.Text;
using Multinode.Infra.Values;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// Builds strings from pass-through parts. The one rule for derived strings: a string built from an unknown part
/// is unknown as a whole, and one built from a secret part is secret as a whole (also when it is unknown).
/// </summary>
internal static class Text
{
    /// <summary>Joins literal text and string-valued properties.</summary>
    public static PropertyValue Concat(IEnumerable<PropertyValue> parts)
    {
        var text = new StringBuilder();
        var secret = false;
        var unknown = false;
        foreach (var part in parts)
        {
            var inner = part;
            if (inner is SecretValue s)
            {
                secret = true;
                inner = s.Value;
            }
            switch (inner)
            {
                case StringValue v: text.Append(v.Value); break;
                case NumberValue or BoolValue: text.Append(inner.Display()); break;
                default: unknown = true; break;
            }
        }
        var result = unknown ? PropertyValue.Unknown : PropertyValue.From(text.ToString());
        return secret ? PropertyValue.Secret(result) : result;
    }

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
