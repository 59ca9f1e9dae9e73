using Grpc.Core;
using Grpc.Net.Client;
using Multinode.Infra.Values;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>
/// Fills in <c>multinode:aws.vpcId</c> when it is not given: the VPC of the first subnet, asked of the engine with an
/// invoke of <c>aws:ec2/getSubnet:getSubnet</c> on the ResourceMonitor, through the program's <c>aws</c> provider. The
/// core plans with whatever the config carries, and reads an absent vpcId as unknown (what the offline CLI shows), so
/// it stays pure. An explicit vpcId wins; a subnet not known yet (an output of another resource, in preview) leaves the
/// VPC unknown.
/// </summary>
public static class SubnetVpcLookup
{
    public const string GetSubnet = "aws:ec2/getSubnet:getSubnet";

    public static async Task<PropertyMap> ResolveAsync(PropertyMap config, ConstructRequest request, CancellationToken cancellationToken)
    {
        if (config.Get("target") is not StringValue { Value: "aws" } ||
            config.Get("aws") is not ObjectValue { Map: var aws } ||
            aws.Get("vpcId") is { } and not NullValue ||
            FirstSubnet(aws.Get("subnetIds")) is not { } subnet)
            return config;

        using var channel = GrpcChannel.ForAddress(Channels.Address(request.MonitorEndpoint));
        var monitor = new ResourceMonitor.ResourceMonitorClient(channel);
        var invoke = new ResourceInvokeRequest
        {
            Tok = GetSubnet,
            Args = PropertyConverter.ToStruct(new PropertyMap(("id", subnet))),
            Provider = request.Providers.GetValueOrDefault("aws", ""),
            Version = ChildProviders.VersionOf("aws") ?? "",
            AcceptResources = true,
        };
        ResourceInvokeResponse response;
        try
        {
            response = await monitor.InvokeAsync(invoke, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new RpcException(new Status(e.StatusCode, $"looking up the VPC of subnet {subnet} ({GetSubnet}) failed: {e.Status.Detail}"), e.Trailers);
        }
        if (response.Failures.Count > 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"looking up the VPC of subnet {subnet} ({GetSubnet}) failed: {string.Join("; ", response.Failures.Select(f => $"{f.Property}: {f.Reason}"))}; set multinode:aws.vpcId to skip the lookup"));
        var vpcId = response.Return is { } result && PropertyConverter.ToMap(result).Get("vpcId") is StringValue { Value.Length: > 0 } id
            ? (PropertyValue)id
            : PropertyValue.Unknown;
        return config.With("aws", PropertyValue.From(aws.With("vpcId", vpcId)));
    }

    private static string? FirstSubnet(PropertyValue? subnets) => subnets switch
    {
        ArrayValue { Items: [StringValue { Value: var id }, ..] } => id,
        ArrayValue { Items: [SecretValue { Value: StringValue { Value: var id } }, ..] } => id,
        SecretValue { Value: var inner } => FirstSubnet(inner),
        _ => null,
    };
}
