namespace Multinode.Infra.Provider;

/// <summary>
/// The plugin versions children are registered with (<c>RegisterResourceRequest.version</c>), so the engine loads
/// the provider whose input shapes the targets were written against. Keep in step with the <c>@pulumi/aws</c> and
/// <c>@pulumi/kubernetes</c> versions the type-check tests lock.
/// </summary>
public static class ChildProviders
{
    public const string AwsVersion = "7.48.0";
    public const string KubernetesVersion = "4.34.2";

    public static string? VersionOf(string package) => package switch
    {
        "aws" => AwsVersion,
        "kubernetes" => KubernetesVersion,
        _ => null,
    };
}
