using System.Text.RegularExpressions;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>Turns a declaration (kind, name, properties) into a workload, or into every failure it has: the common
/// inputs and rules here, the kind's own from its definition (<see cref="WorkloadKind"/>).</summary>
public static partial class WorkloadReader
{
    public const int MaxNameLength = 40;

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    public static Result<Workload> Read(WorkloadKind kind, string name, PropertyMap properties)
    {
        var reader = new InputReader($"{kind} {PropertyValue.QuoteShort(name)}");
        CheckName(reader, name);
        reader.Check(properties, kind.Inputs, owner: kind.Name);
        kind.CheckRules(reader);
        CheckControlCharacters(reader);
        if (reader.Failures.Count > 0) return Result<Workload>.Fail(reader.Failures);

        // Env and tags are sorted by key: the engine's wire format does not keep a map's order, and the same
        // declaration must give the same plan whether it came from YAML or from a Construct request.
        var (env, wholeEnv) = reader.Get("env") switch
        {
            SecretValue { Value: ObjectValue o } => (PropertyMap.Empty, PropertyValue.Secret(PropertyValue.From(Sorted(o.Map)))),
            // Unknown in preview: a secret unknown is a secret env, a plain one a plain env (the engine marks an
            // output secret in preview as in update), so preview plans the children update plans.
            SecretValue whole => (PropertyMap.Empty, PropertyValue.Secret(PropertyValue.UnknownFrom("env", whole))),
            (UnknownValue or ReferenceValue) and var whole => (PropertyMap.Empty, PropertyValue.UnknownFrom("env", whole)),
            _ => (Sorted(reader.Map("env")), (PropertyValue?)null),
        };
        var container = new Container(
            reader.Get("image")!,
            reader.Get("command"),
            reader.Get("args"),
            env,
            reader.Integer("timeoutSeconds")!.Value,
            Tags(reader.Get("tags")),
            reader.Strings("instanceTypes"),
            wholeEnv);
        var resources = new ResourceRequest(
            reader.Number("resources.cpu")!.Value,
            Memory.Parse(reader.String("resources.memory")!),
            reader.String("resources.gpu.type") is { } gpu
                ? new GpuRequest(GpuTypes.TryParse(gpu)!.Value, reader.Integer("resources.gpu.count")!.Value)
                : null);
        var workload = kind.Bind(name, container, resources, reader);
        var memory = reader.String("resources.memory")!;
        return Result<Workload>.Ok(workload) with
        {
            Warnings = [.. Memory.DecimalUnitWarning(memory) is { } note
                ? [new ValidationFailure(workload.Label, "resources.memory", $"resources.memory = {PropertyValue.QuoteShort(memory)} {note}")]
                : Array.Empty<ValidationFailure>(), .. kind.Warnings(reader, workload)],
        };
    }

    /// <summary>Tags given as one secret keep every value secret; their keys name the tags and are shown.</summary>
    private static PropertyMap Tags(PropertyValue? tags) => tags switch
    {
        ObjectValue o => Sorted(o.Map),
        SecretValue { Value: ObjectValue o } => Sorted(new PropertyMap(o.Map.Select(e => KeyValuePair.Create(e.Key, PropertyValue.Secret(e.Value))))),
        _ => PropertyMap.Empty,
    };

    private static PropertyMap Sorted(PropertyMap map) => new(map.OrderBy(e => e.Key, StringComparer.Ordinal));

    private static void CheckName(InputReader reader, string name)
    {
        if (name.Length == 0)
            reader.Fail("name", "name must not be empty");
        else if (name.Length > MaxNameLength)
            reader.Fail("name", $"name = {PropertyValue.QuoteShort(name)} is {name.Length} characters long, above the limit of {MaxNameLength}");
        else if (!NamePattern().IsMatch(name))
        {
            var fixedName = Regex.Replace(Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9-]+", "-"), "^[^a-z]+|-+$", "");
            reader.Fail("name", $"name = {PropertyValue.QuoteShort(name)} must be lowercase letters, digits and '-', starting with a letter and ending with a letter or digit" +
                (fixedName.Length > 0 ? $" (e.g. {PropertyValue.QuoteShort(fixedName)})" : ""));
        }
    }

    /// <summary>Tags become tags and labels in every child; no cloud takes control characters there (env names have
    /// their own, stricter rule in WorkloadInputs).</summary>
    private static void CheckControlCharacters(InputReader reader)
    {
        static bool HasControl(string text) => text.Any(char.IsControl);
        if (reader.Get("tags") is UnknownValue or ReferenceValue or SecretValue { Value: UnknownValue or ReferenceValue })
            reader.Fail("tags", "tags is not known until deployment, but tag keys name tags and labels when the plan is made; give a literal map (its values may be unknown or secret)");
        var tags = reader.Get("tags") is SecretValue { Value: ObjectValue secretTags } ? secretTags.Map : reader.Map("tags");
        foreach (var (key, value) in tags)
        {
            if (HasControl(key))
                reader.Fail($"tags.{key}", $"tags: the key {PropertyValue.QuoteShort(key)} contains a control character, which tags and labels may not hold");
            else if (value is StringValue { Value: var text } && HasControl(text))
                reader.Fail($"tags.{key}", $"tags.{key} = {(reader.Get("tags") is SecretValue ? PropertyValue.SecretText : value.Display())} contains a control character, which tags and labels may not hold");
            else if (value is SecretValue { Value: StringValue { Value: var secretText } } && HasControl(secretText))
                reader.Fail($"tags.{key}", $"tags.{key} = {PropertyValue.SecretText} contains a control character, which tags and labels may not hold");
        }
    }
}
