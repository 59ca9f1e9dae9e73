using Multinode.Infra.Targets;

namespace Multinode.Infra.Provider;

/// <summary>
/// The plugin versions children are registered with (<c>RegisterResourceRequest.version</c>), so the engine loads
/// the provider whose input shapes the targets were written against: each target's <see cref="ITarget.ChildPackage"/>.
/// </summary>
public static class ChildProviders
{
    public static string? VersionOf(string package) => TargetList.Package(package)?.Version;
}
