using System.Text;

namespace Multinode.Infra.Values;

/// <summary>How messages and tables show a value: short, quoted, secrets hidden.</summary>
public abstract partial record PropertyValue
{
    /// <summary>Longest text of a value that messages quote; longer strings, lists and objects are shortened with
    /// their full length said, so that an error stays small enough to be sent (docs/provider.md, limits).</summary>
    public const int MaxDisplayLength = 120;

    /// <summary>Short human text for messages and tables: strings quoted, secrets as <c>[secret]</c> at any depth,
    /// unknowns as <c>(unknown)</c>, long values shortened to about <see cref="MaxDisplayLength"/> characters.
    /// </summary>
    public string Display()
    {
        if (this is StringValue only) return QuoteShort(only.Value);
        var text = new StringBuilder();
        Show(text);
        return text.Length <= MaxDisplayLength ? text.ToString() : text.ToString(0, MaxDisplayLength) + "…";
    }

    private void Show(StringBuilder text)
    {
        if (text.Length > MaxDisplayLength) return;
        switch (this)
        {
            case StringValue s:
                text.Append(QuoteShort(s.Value));
                break;
            case NumberValue n: text.Append(Numbers.Exact(n.Value)); break;
            case BoolValue b: text.Append(b.Value ? "true" : "false"); break;
            case NullValue: text.Append("null"); break;
            case UnknownValue: text.Append("(unknown)"); break;
            case SecretValue: text.Append(SecretText); break;
            case ReferenceValue r: text.Append(r.Resource).Append('.').Append(r.Property); break;
            case InterpolationValue i:
                text.Append(Quote(string.Concat(
                    i.Parts.Select(p => p is StringValue s ? s.Value : $"${{{p.Display()}}}"))));
                break;
            case ArrayValue a:
                text.Append('[');
                for (var k = 0; k < a.Items.Count && text.Length <= MaxDisplayLength; k++)
                {
                    if (k > 0) text.Append(',');
                    a.Items[k].Show(text);
                }
                text.Append(']');
                if (text.Length > MaxDisplayLength) text.Append($" ({a.Items.Count} items)");
                break;
            case ObjectValue o:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in o.Map)
                {
                    if (text.Length > MaxDisplayLength) break;
                    if (!first) text.Append(',');
                    first = false;
                    text.Append(Quote(key)).Append(':');
                    value.Show(text);
                }
                text.Append('}');
                break;
            default: throw new InvalidOperationException($"unhandled value {GetType().Name}");
        }
    }

    /// <summary>How every message and table shows a secret value.</summary>
    public const string SecretText = "[secret]";

    /// <summary>A quoted string for messages, shortened to about <see cref="MaxDisplayLength"/> characters with its
    /// length said when longer.</summary>
    public static string QuoteShort(string s) =>
        s.Length <= MaxDisplayLength ? Quote(s) : Quote(s[..(MaxDisplayLength - 20)]) + $"… ({s.Length} characters)";

    internal static string Quote(string s) =>
        Plain(s) ? $"\"{s}\"" : JsonOutput.Text(w => w.WriteStringValue(s), JsonOutput.Compact);

    /// <summary>Text that JSON writes between its quotes as it is (letters, digits and a few marks): the common case
    /// — every workload's label quotes its name — needs no writer.</summary>
    private static bool Plain(string s)
    {
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':' or '/' or ' ')) return false;
        return true;
    }
}
