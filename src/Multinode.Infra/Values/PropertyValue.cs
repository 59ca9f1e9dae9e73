namespace Multinode.Infra.Values;

/// <summary>
/// A property value as Pulumi sees it: plain JSON-like data plus the three things plain JSON cannot
/// say — a value not known until deployment, a secret, and a reference to another planned child's output.
/// Both the CLI (from YAML) and the provider (from protobuf) convert into this type; the core sees nothing else.
/// </summary>
public abstract partial record PropertyValue
{
    private protected PropertyValue() { }

    /// <summary>The JSON null.</summary>
    public static readonly PropertyValue Null = new NullValue();

    /// <summary>A value that is only known after deployment (Pulumi's unknown during preview), of unknown making:
    /// never equal to another in a diff.</summary>
    public static readonly PropertyValue Unknown = new UnknownValue();

    /// <summary>
    /// A value known only after deployment, made by <paramref name="operation"/> (an invoke's token, a resource's
    /// output, an expression) from <paramref name="arguments"/>: two such values with equal operation and arguments are
    /// the same value, so a diff sees no change. An argument of unknown making makes the result of unknown making.
    /// </summary>
    public static PropertyValue UnknownFrom(string operation, params IReadOnlyList<PropertyValue> arguments)
    {
        foreach (var argument in arguments)
            if (argument.ContainsAnonymousUnknown) return Unknown;
        return new UnknownValue(new Provenance(operation, [.. arguments]));
    }

    // Values are immutable, so the two booleans are shared.
    private static readonly PropertyValue True = new BoolValue(true), False = new BoolValue(false);

    public static PropertyValue From(bool value) => value ? True : False;
    public static PropertyValue From(double value) => new NumberValue(value);
    public static PropertyValue From(string value) => new StringValue(value);
    public static PropertyValue From(IEnumerable<PropertyValue> items) => new ArrayValue([.. items]);
    public static PropertyValue From(PropertyMap map) => new ObjectValue(map);
    public static PropertyValue Strings(IEnumerable<string> items) => From(items.Select(From));

    /// <summary>Wraps a value as secret; secrets do not nest.</summary>
    public static PropertyValue Secret(PropertyValue value) => value is SecretValue ? value : new SecretValue(value);

    /// <summary>The output <paramref name="property"/> of the planned child named <paramref name="resource"/>.
    /// </summary>
    public static PropertyValue Reference(string resource, string property) => new ReferenceValue(resource, property);

    /// <summary>
    /// A string joined from parts. The one rule for derived strings: all parts literal gives a plain string; an
    /// unknown part makes the whole unknown; a secret part makes the whole secret; parts that refer to other
    /// children's outputs give an <see cref="InterpolationValue"/>, joined once those outputs are known.
    /// </summary>
    public static PropertyValue Concat(params IEnumerable<PropertyValue> parts)
    {
        // Read twice when a part is unknown (what the whole is made of): a lazy sequence is read once, here.
        parts = parts as IReadOnlyList<PropertyValue> ?? [.. parts];
        var flat = new List<PropertyValue>();
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
                case StringValue or ReferenceValue: flat.Add(inner); break;
                case NumberValue or BoolValue: flat.Add(From(inner.Display())); break;
                case InterpolationValue i: flat.AddRange(i.Parts); break;
                default: unknown = true; break;
            }
        }
        // Adjacent literals merge so that equal strings always have one representation; a run of them is joined once
        // (appending each to the last would copy the run again for every part: quadratic in a long argument list).
        var merged = new List<PropertyValue>();
        var run = new System.Text.StringBuilder();
        foreach (var part in flat)
        {
            if (part is StringValue next)
            {
                run.Append(next.Value);
                continue;
            }
            if (run.Length > 0) merged.Add(From(run.ToString()));
            run.Clear();
            merged.Add(part);
        }
        if (run.Length > 0) merged.Add(From(run.ToString()));
        PropertyValue result = unknown ? UnknownFrom(ConcatOperation, [.. parts])
            : merged.Count == 0 ? From("")
            : merged is [StringValue only] ? only
            : new InterpolationValue(merged);
        return secret ? Secret(result) : result;
    }

    /// <summary>The operation of an unknown joined from parts (<see cref="Concat"/>).</summary>
    public const string ConcatOperation = "concat";

    public static implicit operator PropertyValue(string value) => From(value);
    public static implicit operator PropertyValue(double value) => From(value);
    public static implicit operator PropertyValue(bool value) => From(value);
    public static implicit operator PropertyValue(PropertyMap value) => From(value);

    /// <summary>True when this value, or anything inside it, is a secret.</summary>
    public bool ContainsSecret => this switch
    {
        SecretValue => true,
        ArrayValue a => a.Items.Any(i => i.ContainsSecret),
        ObjectValue o => o.Map.Values.Any(v => v.ContainsSecret),
        _ => false,
    };

    /// <summary>True when this value, or anything inside it, is unknown.</summary>
    /// <remarks>Plain loops: a diff asks this of values it compares (of a planned child's inputs once, with its
    /// references: <see cref="Walk"/>).</remarks>
    public bool ContainsUnknown
    {
        get
        {
            switch (this)
            {
                case UnknownValue:
                    return true;
                case SecretValue s:
                    return s.Value.ContainsUnknown;
                case ArrayValue a:
                    for (var i = 0; i < a.Items.Count; i++)
                        if (a.Items[i].ContainsUnknown) return true;
                    return false;
                case ObjectValue o:
                    foreach (var (_, value) in o.Map)
                        if (value.ContainsUnknown) return true;
                    return false;
                default:
                    return false;
            }
        }
    }

    /// <summary>True when this value holds an unknown whose making is not known (<see cref="Unknown"/>): it may differ
    /// from any other value, even from itself in another plan.</summary>
    public bool ContainsAnonymousUnknown
    {
        get
        {
            switch (this)
            {
                case UnknownValue u:
                    if (u.Source is null) return true;
                    for (var i = 0; i < u.Source.Arguments.Count; i++)
                        if (u.Source.Arguments[i].ContainsAnonymousUnknown) return true;
                    return false;
                case SecretValue s:
                    return s.Value.ContainsAnonymousUnknown;
                case ArrayValue a:
                    for (var i = 0; i < a.Items.Count; i++)
                        if (a.Items[i].ContainsAnonymousUnknown) return true;
                    return false;
                case ObjectValue o:
                    foreach (var (_, value) in o.Map)
                        if (value.ContainsAnonymousUnknown) return true;
                    return false;
                default:
                    return false;
            }
        }
    }

    /// <summary>The names of planned children this value refers to, in order of first appearance.</summary>
    /// <remarks>One walk into one list: a diff and the plan's dependsOn ask this of every child's inputs.</remarks>
    public IEnumerable<string> References()
    {
        List<string>? found = null;
        AddReferences(ref found);
        return found ?? [];
    }

    /// <summary>Appends the children this value refers to that <paramref name="found"/> does not hold yet, in order of
    /// first appearance (made at the first one). A value refers to a handful of siblings: a list searched in order
    /// beats a set, and most values refer to none.</summary>
    internal void AddReferences(ref List<string>? found) => Walk(ref found);

    /// <summary><see cref="AddReferences"/>, and in the same walk whether this value is or holds an unknown
    /// (<see cref="ContainsUnknown"/>): a planned child asks both of its inputs once (<c>PlannedResource</c>).
    /// </summary>
    internal bool Walk(ref List<string>? found)
    {
        var unknown = false;
        switch (this)
        {
            case UnknownValue u:
                // What it is made of may read other children's outputs: it depends on them as a reference does.
                if (u.Source is { } source)
                    for (var k = 0; k < source.Arguments.Count; k++) source.Arguments[k].Walk(ref found);
                return true;
            case ReferenceValue r:
                AddReference(ref found, r.Resource);
                break;
            case InterpolationValue i:
                // Its parts are literals and references (Concat): as for ContainsUnknown, not looked into for unknowns.
                for (var k = 0; k < i.Parts.Count; k++) i.Parts[k].Walk(ref found);
                break;
            case SecretValue s:
                return s.Value.Walk(ref found);
            case ArrayValue a:
                for (var k = 0; k < a.Items.Count; k++) unknown |= a.Items[k].Walk(ref found);
                break;
            case ObjectValue o:
                foreach (var (_, value) in o.Map) unknown |= value.Walk(ref found);
                break;
        }
        return unknown;
    }

    /// <summary>Appends <paramref name="name"/> to <paramref name="found"/> unless it is there already.</summary>
    internal static void AddReference(ref List<string>? found, string name)
    {
        found ??= new List<string>(4);
        foreach (var known in found)
            if (string.Equals(known, name, StringComparison.Ordinal)) return;
        found.Add(name);
    }
}

public sealed record NullValue : PropertyValue;

/// <summary>A value known only after deployment; <see cref="Source"/> says what it is made of, when that is known
/// (<see cref="PropertyValue.UnknownFrom"/>).</summary>
public sealed record UnknownValue(Provenance? Source = null) : PropertyValue;

/// <summary>What an unknown value is made of: an operation (an invoke's token and output, a resource's output, an
/// expression) over arguments, themselves values (known, or unknowns with their own provenance).</summary>
public sealed record Provenance(string Operation, IReadOnlyList<PropertyValue> Arguments)
{
    public bool Equals(Provenance? other) =>
        other is not null && Operation == other.Operation && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() =>
        Arguments.Aggregate(Operation.GetHashCode(StringComparison.Ordinal), HashCode.Combine);
}

public sealed record BoolValue(bool Value) : PropertyValue;

public sealed record NumberValue(double Value) : PropertyValue;

public sealed record StringValue(string Value) : PropertyValue;

public sealed record SecretValue(PropertyValue Value) : PropertyValue;

public sealed record ReferenceValue(string Resource, string Property) : PropertyValue;

/// <summary>A string joined from literal parts and references to other children's outputs
/// (see <see cref="PropertyValue.Concat"/>).</summary>
public sealed record InterpolationValue(IReadOnlyList<PropertyValue> Parts) : PropertyValue
{
    public bool Equals(InterpolationValue? other) => other is not null && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => Parts.Aggregate(Parts.Count, (h, i) => HashCode.Combine(h, i));
}

public sealed record ArrayValue(IReadOnlyList<PropertyValue> Items) : PropertyValue
{
    public bool Equals(ArrayValue? other) => other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Aggregate(Items.Count, (h, i) => HashCode.Combine(h, i));
}

public sealed record ObjectValue(PropertyMap Map) : PropertyValue;
