using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider;

/// <summary>
/// The configuration Configure validated, kept typed for every Construct of the plugin's lifetime: the core's
/// <see cref="ProviderConfig"/> and, when <c>aws.vpcId</c> is not given, the subnet whose VPC Construct asks the engine
/// for (<see cref="SubnetVpcLookup"/>).
/// </summary>
public sealed record ConfiguredProvider(ProviderConfig Config, string? VpcLookupSubnet)
{
    /// <summary>Validates config as <see cref="ProviderConfiguration"/> normalized it, its target one of
    /// <paramref name="kinds"/>' targets: every failure at once.</summary>
    public static Result<ConfiguredProvider> Read(PropertyMap config, KindRegistry kinds)
    {
        var read = ProviderConfigReader.Read(config, kinds);
        var (subnet, refusal) = SubnetVpcLookup.SubnetToLookUp(config);
        return read.Then(c => refusal is null
            ? Result<ConfiguredProvider>.Ok(new ConfiguredProvider(c, subnet))
            : Result<ConfiguredProvider>.Fail([refusal]));
    }
}

/// <summary>
/// Turns the ways the engine sends configuration (CheckConfig/Configure args keyed without the package prefix,
/// the deprecated <c>variables</c> map, Construct's <c>config</c> map) into the property map
/// <see cref="ProviderConfigReader.Read"/> validates.
/// </summary>
public static class ProviderConfiguration
{
    private const string Prefix = "multinode:";

    /// <summary>Keys the engine adds to every provider's inputs; they are not configuration.</summary>
    private static readonly HashSet<string> EngineKeys = new(StringComparer.Ordinal) { "version", "pluginDownloadURL" };

    /// <summary>Config keyed without prefix (CheckConfig news, Configure args).</summary>
    public static PropertyMap FromArgs(PropertyMap args) =>
        Normalize(args.Where(a => !EngineKeys.Contains(a.Key)));

    /// <summary>The deprecated <c>variables</c> map: <c>multinode:config:target</c> → text.</summary>
    public static PropertyMap FromVariables(IEnumerable<KeyValuePair<string, string>> variables) =>
        Normalize(variables
            .Where(v => v.Key.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(v => KeyValuePair.Create(v.Key[Prefix.Length..] is var rest && rest.StartsWith("config:", StringComparison.Ordinal) ? rest["config:".Length..] : rest,
                PropertyValue.From(v.Value)))
            .OrderBy(v => v.Key, StringComparer.Ordinal));

    /// <summary>Construct's <c>config</c> map (<c>multinode:target</c> → text), secrets named in <paramref name="secretKeys"/>.</summary>
    public static PropertyMap FromConstructConfig(IEnumerable<KeyValuePair<string, string>> config, IEnumerable<string> secretKeys)
    {
        var secrets = secretKeys.ToHashSet(StringComparer.Ordinal);
        return Normalize(config
            .Where(c => c.Key.StartsWith(Prefix, StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => KeyValuePair.Create(c.Key[Prefix.Length..],
                secrets.Contains(c.Key) ? PropertyValue.Secret(c.Value) : PropertyValue.From(c.Value))));
    }

    /// <summary>Text values read by the core's one config-text rule (<see cref="ProviderConfigReader.ParseText(string, PropertyValue)"/>),
    /// after the engine's unknown sentinel.</summary>
    private static PropertyMap Normalize(IEnumerable<KeyValuePair<string, PropertyValue>> entries) =>
        new(entries.Select(e => KeyValuePair.Create(e.Key, e.Value is StringValue { Value: PropertyConverter.UnknownString }
            ? PropertyValue.Unknown
            : ProviderConfigReader.ParseText(e.Key, e.Value))));
}
