using Multinode.Infra.Targets;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Configuration;

/// <summary>Totals at maximum scale over all workloads (<c>multinode:quotas</c>).</summary>
public sealed record Quotas(double? Cpu, Memory? Memory, int? Gpu);

/// <summary>The provider's configuration, validated, defaults filled in: the shared keys, the chosen target and
/// that target's typed settings (<see cref="TargetConfig"/>, e.g. an <c>AwsConfig</c>).</summary>
public sealed record ProviderConfig(ITarget Target, TargetConfig TargetConfig, Quotas Quotas, double? MaxHourlyCost)
{
    /// <summary>The chosen target's settings as their type; a target asking for another's settings is a bug.</summary>
    public T SettingsOf<T>() where T : TargetConfig =>
        TargetConfig as T ?? throw new InvalidOperationException($"target {Target.Name} has no {typeof(T).Name}");

    /// <summary>The worker sidecar's image (<c>multinode:workerImage</c>), run beside every Function and Job container.</summary>
    public string WorkerImage { get; init; } = WorkerImages.Default;

    /// <summary>The kinds and targets the config was read with (<see cref="Target"/> is one of its targets): what every
    /// component planned with this config is read as.</summary>
    public required KindRegistry Kinds { get; init; }
}

/// <summary>The worker sidecar's image reference: its default and what counts as a reference.</summary>
public static partial class WorkerImages
{
    /// <summary>The image this repository publishes (github.com/multinode/pulumi-multinode, built from
    /// src/Multinode.Worker), tagged with the plugin's version: one version, <see cref="Schema.PackageSchema.Version"/>.</summary>
    public static readonly string Default = "ghcr.io/multinode/multinode-worker:" + Schema.PackageSchema.Version;

    // Docker's reference grammar, simplified: registry[:port]/path components in lowercase, an optional tag, an
    // optional sha256 digest.
    [System.Text.RegularExpressions.GeneratedRegex(
        "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]{1,5})?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")]
    private static partial System.Text.RegularExpressions.Regex Reference();

    /// <summary>Null when <paramref name="text"/> is an image reference, else the end of the failure sentence.</summary>
    public static string? Check(string text) =>
        text.Trim().Length == 0 ? "must not be empty: it names the worker sidecar's image, e.g. \"" + Default + "\""
        : text.Length <= 4096 && Reference().IsMatch(text) ? null
        : "is not an image reference (registry/repository[:tag][@sha256:digest], lowercase repository), e.g. \"" + Default + "\"";
}

/// <summary>Declares and reads the <c>multinode:*</c> configuration keys.</summary>
public static class ProviderConfigReader
{
    public const string Resource = "provider config";

    public static readonly IReadOnlyList<InputSpec> Inputs =
    [
        new("target", InputType.String, "Where workloads are deployed.") { Required = true, Enum = [.. TargetList.All.Select(t => t.Name)] },
        .. TargetList.All.Select(t => t.ConfigSpec),
        new("quotas", InputType.Object, "Limits on totals at maximum scale over all workloads; exceeding one fails the preview.")
        {
            Properties =
            [
                new("cpu", InputType.Number, "Most vCPUs.") { Min = 0 },
                new("memory", InputType.String, "Most memory, e.g. \"512Gi\".")
                {
                    Check = text => Memory.TryParse(text, out var error) is null ? error : null,
                },
                new("gpu", InputType.Integer, "Most GPUs.") { Min = 0, Max = 100000 },
            ],
        },
        new("maxHourlyCost", InputType.Number, "Most worst-case on-demand USD per hour over all workloads.") { Min = 0 },
        new("workerImage", InputType.String, "Image of the worker sidecar that runs beside every Function and Job container, takes their queue's messages and posts them to the container's POST /invoke (docs/worker.md); by default the image this repository publishes at the plugin's version.")
        {
            Default = WorkerImages.Default, Check = WorkerImages.Check,
        },
    ];

    /// <summary>
    /// <c>pulumi config set</c> stores every value as text, and the engine passes config on as text. Where a key's
    /// declared type is not a string, text that is JSON (<c>{...}</c>, <c>[...]</c>, <c>0.5</c>, <c>true</c>) is read as
    /// that JSON value, a secret staying secret; other text stays text and fails validation with its value shown.
    /// The one rule for config text: the provider and the CLI both read config through it.
    /// </summary>
    public static PropertyMap ParseText(PropertyMap config) =>
        new(config.Select(e => KeyValuePair.Create(e.Key, ParseText(e.Key, e.Value))));

    /// <inheritdoc cref="ParseText(PropertyMap)"/>
    public static PropertyValue ParseText(string key, PropertyValue value)
    {
        var spec = Inputs.FirstOrDefault(s => s.Name == key);
        if (spec is null || spec.Type == InputType.String) return value;
        return value switch
        {
            StringValue s => JsonText(s.Value) ?? value,
            SecretValue { Value: StringValue s } => JsonText(s.Value) is { } parsed ? PropertyValue.Secret(parsed) : value,
            _ => value,
        };
    }

    private static PropertyValue? JsonText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || !(trimmed[0] is '{' or '[' or '-' or (>= '0' and <= '9') || trimmed is "true" or "false" or "null"))
            return null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(trimmed);
            return PropertyValue.FromJson(document.RootElement);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // not JSON after all (or nested past the reader's depth): the text is the value
        }
    }

    /// <summary>A target's block unknown as a whole (preview) read as that target's keys, each unknown, where the
    /// target can plan without knowing them (<see cref="ITarget.UnknownSettings"/>).</summary>
    private static PropertyMap WithUnknownBlocks(PropertyMap config, KindRegistry kinds)
    {
        foreach (var target in kinds.Targets)
            if (config.Get(target.Name) is (UnknownValue or ReferenceValue) and var block &&
                target.UnknownSettings(block) is { } settings)
                config = new PropertyMap(config.Where(e => e.Key != target.Name)
                    .Append(KeyValuePair.Create(target.Name, PropertyValue.From(settings))));
        return config;
    }

    /// <summary>Reads the config; its target is one of <paramref name="kinds"/>' targets.</summary>
    public static Result<ProviderConfig> Read(PropertyMap config, KindRegistry kinds)
    {
        var reader = new InputReader(Resource);
        reader.Check(WithUnknownBlocks(config, kinds), Inputs, owner: "multinode config");
        var target = kinds.Target(reader.String("target"));
        TargetConfig? settings = null;
        // Every target's block is checked, in the order they are listed, whichever is chosen.
        foreach (var candidate in kinds.Targets)
            if (candidate.ReadConfig(reader, config, chosen: candidate == target) is { } read) settings = read;
        if (reader.Failures.Count > 0 || target is null || settings is null) return Result<ProviderConfig>.Fail(reader.Failures);

        var quotas = new Quotas(reader.Number("quotas.cpu"),
            reader.String("quotas.memory") is { } m ? Memory.Parse(m) : null, reader.Integer("quotas.gpu"));
        return Result<ProviderConfig>.Ok(new ProviderConfig(target, settings, quotas, reader.Number("maxHourlyCost"))
        {
            WorkerImage = reader.String("workerImage")!,
            Kinds = kinds,
        });
    }
}
