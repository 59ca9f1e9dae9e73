using Multinode.Infra.Values;

namespace Multinode.Infra.Validation;

/// <summary>The type of an input, as the schema and the validator both see it.</summary>
public enum InputType
{
    String,
    Integer,
    Number,
    Boolean,
    StringArray,
    StringMap,
    Object,
}

/// <summary>
/// One declared input: the single source of truth for its type, default, limits and description.
/// The validator checks values against it and the provider's schema is generated from it.
/// </summary>
public sealed record InputSpec(string Name, InputType Type, string Description)
{
    public bool Required { get; init; }

    /// <summary>The value used when the input is absent; shown in the schema.</summary>
    public PropertyValue? Default { get; init; }

    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary>Why <see cref="Max"/> is the limit, when a platform sets it: validation's message says it.</summary>
    public string? MaxReason { get; init; }

    /// <summary>Allowed string values (canonical spellings, listed in messages and the schema).</summary>
    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>Nested inputs of an object.</summary>
    public IReadOnlyList<InputSpec> Properties { get; init; } = [];

    /// <summary>Extra check of a known string: returns the end of the failure sentence, or null when fine.</summary>
    public Func<string, string?>? Check { get; init; }

    /// <summary>Check of each key of a string map: returns the end of the failure sentence, or null when fine.</summary>
    public Func<string, string?>? KeyCheck { get; init; }

    /// <summary>True for inputs that only pass through into child resources, which may therefore be
    /// unknown during preview or secret. Everything else decides the shape of the plan and must be known.</summary>
    public bool PassThrough { get; init; }

    public InputSpec? Property(string name) => Properties.FirstOrDefault(p => p.Name == name);
}
