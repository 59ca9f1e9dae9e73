using Multinode.Infra.Values;

namespace Multinode.Infra.Validation;

/// <summary>
/// Checks a property map against input specs, collecting every failure rather than stopping at the first,
/// and hands out the checked values with defaults filled in. Never throws on any input.
/// </summary>
public sealed class InputReader
{
    private readonly string _resource;
    private readonly List<ValidationFailure> _failures = [];
    private readonly Dictionary<string, PropertyValue> _valid = new(StringComparer.Ordinal);

    public InputReader(string resource) => _resource = resource;

    public IReadOnlyList<ValidationFailure> Failures => _failures;

    public void Fail(string path, string message) => _failures.Add(new ValidationFailure(_resource, path, message));

    /// <summary>Checks <paramref name="map"/> against <paramref name="specs"/>; <paramref name="prefix"/> is the
    /// path of the object holding them ("" at the top).</summary>
    public void Check(PropertyMap map, IReadOnlyList<InputSpec> specs, string prefix = "", string? owner = null)
    {
        foreach (var (key, _) in map)
        {
            if (specs.Any(s => s.Name == key)) continue;
            var path = Join(prefix, key);
            var suggestion = Suggest(key, specs.Select(s => s.Name));
            var where = owner ?? (prefix.Length == 0 ? "this resource" : prefix);
            Fail(path, suggestion is null
                ? $"{path} is not a property of {where} (allowed: {string.Join(", ", specs.Select(s => s.Name))})"
                : $"{path} is not a property of {where}; did you mean {suggestion}?");
        }
        foreach (var spec in specs)
        {
            var path = Join(prefix, spec.Name);
            var value = map.Get(spec.Name);
            if (value is null or NullValue)
            {
                if (spec.Required) Fail(path, $"{path} is required");
                else if (spec.Default is { } d) _valid[path] = d;
                // An explicit null is an absent value (as for the engine): the object's defaults still apply.
                if (spec.Type == InputType.Object && !spec.Properties.Any(p => p.Required))
                    Check(PropertyMap.Empty, spec.Properties, path);
                continue;
            }
            CheckValue(spec, path, value);
        }
    }

    /// <summary>Checks one value; inside a secret (<paramref name="secret"/>) messages show <c>[secret]</c> for every
    /// part of it, never the text.</summary>
    private void CheckValue(InputSpec spec, string path, PropertyValue value, bool secret = false)
    {
        string Show(PropertyValue v) => secret ? PropertyValue.SecretText : v.Display();
        if (value is SecretValue wrapped)
        {
            if (!spec.PassThrough)
            {
                Fail(path, $"{path} is a secret, but it decides the shape of the plan and cannot be one (pass it as a plain value)");
                return;
            }
            CheckValue(spec, path, wrapped.Value, secret: true);
            if (_valid.ContainsKey(path)) _valid[path] = value;
            return;
        }
        if (value is UnknownValue or ReferenceValue)
        {
            if (spec.PassThrough) _valid[path] = value;
            else Fail(path, $"{path} is not known until deployment, but it decides the shape of the plan; give it a literal value");
            return;
        }
        switch (spec.Type)
        {
            case InputType.String:
                if (value is not StringValue s) { Fail(path, $"{path} = {Show(value)} must be a string{Allowed(spec)}"); return; }
                if (spec.Enum is { } allowed && !allowed.Contains(s.Value))
                {
                    var suggestion = Suggest(s.Value, allowed);
                    Fail(path, $"{path} = {Show(value)} is not one of {string.Join(", ", allowed)}" +
                        (suggestion is null ? "" : $"; did you mean {suggestion}?"));
                    return;
                }
                if (spec.Check?.Invoke(s.Value) is { } problem) { Fail(path, $"{path} = {Show(value)} {problem}"); return; }
                _valid[path] = value;
                return;
            case InputType.Integer:
            case InputType.Number:
                CheckNumber(spec, path, value, Show);
                return;
            case InputType.Boolean:
                if (value is not BoolValue) { Fail(path, $"{path} = {Show(value)} must be true or false"); return; }
                _valid[path] = value;
                return;
            case InputType.StringArray:
                if (value is not ArrayValue array) { Fail(path, $"{path} = {Show(value)} must be a list of strings"); return; }
                var ok = true;
                for (var i = 0; i < array.Items.Count; i++)
                {
                    var item = array.Items[i];
                    var inner = item is SecretValue si ? si.Value : item;
                    // An item that decides the plan (an instance type) is read as it is: a secret or unknown one
                    // would otherwise be left out of the plan without a word.
                    if (!spec.PassThrough && ItemProblem(item) is { } itemProblem)
                    {
                        Fail($"{path}[{i}]", $"{path}[{i}] {itemProblem}");
                        ok = false;
                        continue;
                    }
                    if (inner is StringValue or UnknownValue or ReferenceValue) continue;
                    Fail($"{path}[{i}]", $"{path}[{i}] = {Show(item)} must be a string");
                    ok = false;
                }
                if (ok) _valid[path] = value;
                return;
            case InputType.StringMap:
                if (value is not ObjectValue obj) { Fail(path, $"{path} = {Show(value)} must be a map of strings"); return; }
                var good = true;
                foreach (var (key, item) in obj.Map)
                {
                    if (spec.KeyCheck?.Invoke(key) is { } keyProblem)
                    {
                        Fail(path, $"{path}: the name {PropertyValue.QuoteShort(key)} {keyProblem}");
                        good = false;
                        continue;
                    }
                    var inner = item is SecretValue si ? si.Value : item;
                    if (inner is StringValue or UnknownValue or ReferenceValue) continue;
                    var hint = inner is NumberValue or BoolValue ? $" (quote it: \"{Show(inner)}\")" : "";
                    Fail($"{path}.{key}", $"{path}.{key} = {Show(item)} must be a string{hint}");
                    good = false;
                }
                if (good) _valid[path] = value;
                return;
            case InputType.Object:
                if (value is not ObjectValue o) { Fail(path, $"{path} = {Show(value)} must be an object"); return; }
                _valid[path] = value;
                Check(o.Map, spec.Properties, path);
                return;
        }
    }

    private static string? ItemProblem(PropertyValue item) => item switch
    {
        SecretValue => "is a secret, but it decides the shape of the plan and cannot be one (pass it as a plain value)",
        UnknownValue or ReferenceValue => "is not known until deployment, but it decides the shape of the plan; give it a literal value",
        _ => null,
    };

    private void CheckNumber(InputSpec spec, string path, PropertyValue value, Func<PropertyValue, string> show)
    {
        var integer = spec.Type == InputType.Integer;
        var range = spec.Min is { } lo && spec.Max is { } hi ? $" from {Format(lo)} to {Format(hi)}" : "";
        var what = integer ? "a whole number" : "a number";
        if (value is not NumberValue n || !double.IsFinite(n.Value) || (integer && n.Value != Math.Floor(n.Value)))
        {
            Fail(path, $"{path} = {show(value)} must be {what}{range}");
            return;
        }
        if (spec.Min is { } min && n.Value < min) { Fail(path, $"{path} = {show(value)} is below the minimum of {Format(min)}"); return; }
        if (spec.Max is { } max && n.Value > max)
        {
            var why = spec.MaxReason is { } reason ? $": {reason}" : "";
            Fail(path, $"{path} = {show(value)} is above the limit of {Format(max)}{why}");
            return;
        }
        _valid[path] = value;
    }

    private static string Allowed(InputSpec spec) => spec.Enum is { } e ? $" (one of {string.Join(", ", e)})" : "";

    private static string Format(double d) => Numbers.Exact(d);

    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    /// <summary>The checked value at <paramref name="path"/> (or its default); null when absent or invalid.</summary>
    public PropertyValue? Get(string path) => _valid.GetValueOrDefault(path);

    public string? String(string path) => Get(path) is StringValue s ? s.Value : null;

    public double? Number(string path) => Get(path) is NumberValue n ? n.Value : null;

    public int? Integer(string path) => Get(path) is NumberValue n ? (int)n.Value : null;

    public bool? Boolean(string path) => Get(path) is BoolValue b ? b.Value : null;

    public PropertyMap Map(string path) => Get(path) is ObjectValue o ? o.Map : PropertyMap.Empty;

    /// <summary>Known strings of a list; unknown or secret items are left out.</summary>
    public IReadOnlyList<string> Strings(string path) =>
        Get(path) is ArrayValue a ? [.. a.Items.OfType<StringValue>().Select(s => s.Value)] : [];

    /// <summary>The closest name within an edit distance of a third of its length, for did-you-mean hints.</summary>
    public static string? Suggest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // The distance is at least the difference in length: skip what cannot be close (and long input fast).
            if (Math.Abs(given.Length - candidate.Length) > Math.Max(1, candidate.Length / 3)) continue;
            var d = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best is not null && bestDistance <= Math.Max(1, best.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
