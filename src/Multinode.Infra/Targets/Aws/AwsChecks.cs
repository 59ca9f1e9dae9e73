using System.Text.RegularExpressions;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>What AWS itself would refuse, found at validation: tag keys and values readable from instance metadata,
/// the boot script's and the secrets parameter's sizes, and secret values that cannot be env-file lines.</summary>
internal static partial class AwsChecks
{
    [GeneratedRegex(@"^[A-Za-z0-9+\-=.,_:@]{1,128}$")]
    private static partial Regex InstanceTagKey();

    /// <summary>Instance tags are readable through the metadata service (the boot script needs that), which allows only
    /// these characters in tag keys; AWS would refuse to launch otherwise.</summary>
    public static IEnumerable<ValidationFailure> Tags(Workload workload)
    {
        foreach (var key in workload.Container.Tags.Keys)
        {
            if (!InstanceTagKey().IsMatch(key) || key is "." or ".." or "_index" ||
                key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                yield return new ValidationFailure(workload.Label, $"tags.{key}",
                    $"tags.{key}: the key {PropertyValue.QuoteShort(key)} cannot tag an EC2 instance whose tags are readable from the instance metadata; " +
                    "use letters, digits and + - = . , _ : @ (no spaces or '/', not starting with \"aws:\")");
            else if (workload.Container.Tags[key].ContainsSecret)
                // As the Kubernetes target refuses secret labels: a tag is no place for a secret.
                yield return new ValidationFailure(workload.Label, $"tags.{key}",
                    $"tags.{key} is a secret, but AWS tags are not secret: the instance metadata service shows them to every " +
                    "process on the instance and DescribeTags to anyone who may read the account's tags; pass it in env instead");
            else if (Known(workload.Container.Tags[key]) is { Length: > MaxTagValueLength } value)
                yield return new ValidationFailure(workload.Label, $"tags.{key}",
                    $"tags.{key} = {workload.Container.Tags[key].Display()} is {value.Length} characters long, above AWS's limit of {MaxTagValueLength} for a tag value");
        }
    }

    /// <summary>AWS allows at most 50 user-created tags per resource (AWS General Reference, "Tagging your AWS
    /// resources", tag restrictions); the tags Multinode adds count toward it.</summary>
    public const int MaxTags = 50;

    /// <summary>The children with the most tags, the workload's and Multinode's together, must stay within
    /// <see cref="MaxTags"/>.</summary>
    public static ValidationFailure? TagCount(WorkloadPlan plan)
    {
        var user = plan.Workload.Container.Tags.Count;
        var (most, child) = plan.Resources
            .Select(r => (Count: r.Inputs.Get("tags") switch { ObjectValue o => o.Map.Count, ArrayValue a => a.Items.Count, _ => 0 }, r))
            .MaxBy(t => t.Count);
        return most <= MaxTags ? null : new ValidationFailure(plan.Workload.Label, "tags",
            $"tags has {user} entries; with the {most - user} tags Multinode adds, {child!.Type} \"{child.Name}\" would carry " +
            $"{most}, above AWS's limit of {MaxTags} tags per resource: remove at least {most - MaxTags}");
    }

    /// <summary>EC2 takes at most 16 KB of user data after base64 encoding.</summary>
    public const int MaxUserDataBytes = 16 * 1024;

    /// <summary>A Standard SSM parameter holds at most 4 KB; up to 8 KB the parameter uses the Advanced tier.</summary>
    public const int MaxStandardParameterBytes = 4 * 1024;
    public const int MaxParameterBytes = 8 * 1024;

    /// <summary>AWS tag values hold at most 256 characters.</summary>
    public const int MaxTagValueLength = 256;

    /// <summary>The boot script and the secrets parameter must fit what EC2 and SSM take. Checked when their text is
    /// known: in a preview with unknown parts, the update (which knows them) checks again. <paramref name="bootScript"/> is
    /// <see cref="UserData.Script"/>'s, built once per workload for this check and the launch template.</summary>
    public static IEnumerable<ValidationFailure> UserDataSize(Workload workload, PropertyValue bootScript)
    {
        var c = workload.Container;
        if (Known(bootScript) is { } script)
        {
            var encoded = (System.Text.Encoding.UTF8.GetByteCount(script) + 2) / 3 * 4;
            if (encoded > MaxUserDataBytes)
                yield return new ValidationFailure(workload.Label, LargestPart(c),
                    $"the instance boot script would be {encoded} bytes after base64, above EC2's user data limit of {MaxUserDataBytes} " +
                    "(16 KB); it carries the image, command, args and plain env values: shorten them, or mark large env values " +
                    "secret, which moves them into the SSM parameter");
        }
        if (UserData.SecretEnvFile(c) is { } file && Known(file) is { } text &&
            System.Text.Encoding.UTF8.GetByteCount(text) is var size && size > MaxParameterBytes)
            yield return new ValidationFailure(workload.Label, "env",
                $"the secret env values take {size} bytes as env-file lines, above the {MaxParameterBytes} bytes (8 KB) an SSM parameter holds");
    }

    /// <summary>The text of a value that is known (possibly secret); null while any part is unknown.</summary>
    public static string? Known(PropertyValue value) => value switch
    {
        StringValue s => s.Value,
        SecretValue { Value: StringValue s } => s.Value,
        _ => null,
    };

    /// <summary>The input that takes most of the boot script, to name in the message.</summary>
    private static string LargestPart(Container c)
    {
        static int Size(PropertyValue? v) => v?.ToJson().Length ?? 0;
        return new[] { ("image", Size(c.Image)), ("command", Size(c.Command)), ("args", Size(c.Args)), ("env", Size(PropertyValue.From(c.Env))) }
            .MaxBy(p => p.Item2).Item1;
    }

    /// <summary>Secret env values travel as Docker env-file lines (docs/aws.md), which cannot hold a line break.</summary>
    public static IEnumerable<ValidationFailure> SecretEnv(Workload workload)
    {
        static bool Broken(PropertyValue value) =>
            value is SecretValue { Value: StringValue s } && s.Value.Contains('\n', StringComparison.Ordinal);
        foreach (var (key, _) in workload.Container.Env.Where(e => Broken(e.Value)))
            yield return new ValidationFailure(workload.Label, $"env.{key}",
                $"env.{key} = [secret] contains a line break; on AWS secret values reach the container as Docker env-file lines, one per variable");
        if (workload.Container.WholeEnv is SecretValue { Value: ObjectValue whole } &&
            whole.Map.Values.Any(v => v is StringValue { Value: var text } && text.Contains('\n', StringComparison.Ordinal)))
            yield return new ValidationFailure(workload.Label, "env",
                "env = [secret] has a value with a line break; on AWS secret values reach the container as Docker env-file lines, one per variable");
    }
}
