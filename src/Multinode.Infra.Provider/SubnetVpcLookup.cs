using Grpc.Core;
using Multinode.Infra.Configuration;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Validation;
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
    public const string GetSubnet = AwsConfig.GetSubnet;

    /// <summary>The first subnet when the target is aws, <c>aws.vpcId</c> is not given and that subnet is known; read
    /// once from the config as Configure received it. A secret first subnet is not looked up: the invoke's arguments
    /// reach the aws provider and the engine's logs as plain text, so the user is asked for the VPC instead.</summary>
    public static (string? Subnet, ValidationFailure? Refusal) SubnetToLookUp(PropertyMap config)
    {
        if (config.Get("target") is not StringValue { Value: "aws" } ||
            config.Get("aws") is not ObjectValue { Map: var aws } || aws.Get("vpcId") is not (null or NullValue))
            return (null, null);
        return FirstSubnet(aws.Get("subnetIds"), secret: false) switch
        {
            (_, true) => (null, new ValidationFailure(ProviderConfigReader.Resource, "aws.vpcId",
                "aws.vpcId is needed: aws.subnetIds[0] is a secret, and looking up its VPC (" + GetSubnet + ") would " +
                "send it in plain text; set multinode:aws.vpcId to the subnets' VPC")),
            (var id, false) => (id, null),
        };
    }

    /// <summary>The config to plan with: <paramref name="configured"/>'s, with the looked-up VPC when there is one to look up.</summary>
    public static async Task<ProviderConfig> ResolveAsync(ConfiguredProvider configured, ConstructRequest request, MonitorChannels monitors,
        EngineCalls calls, CancellationToken cancellationToken)
    {
        var config = configured.Config;
        if (configured.VpcLookupSubnet is not { } subnet || config.TargetConfig is not AwsConfig aws) return config;

        var monitor = monitors.For(request.MonitorEndpoint);
        var invoke = new ResourceInvokeRequest
        {
            Tok = GetSubnet,
            Args = PropertyConverter.ToStruct(new PropertyMap(("id", subnet))),
            Provider = request.Providers.GetValueOrDefault("aws", ""),
            Version = ChildProviders.VersionOf("aws") ?? "",
            AcceptResources = true,
        };
        var response = await calls.Call(options => monitor.InvokeAsync(invoke, options),
            $"looking up the VPC of subnet {subnet} ({GetSubnet})", cancellationToken).ConfigureAwait(false);
        if (response.Failures.Count > 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"looking up the VPC of subnet {subnet} ({GetSubnet}) failed: {string.Join("; ", response.Failures.Select(f => $"{f.Property}: {f.Reason}"))}; set multinode:aws.vpcId to skip the lookup"));
        // The engine answers invokes in preview too; only its unknown marker leaves the VPC to be known later.
        var answered = response.Return is { } result ? PropertyConverter.ToMap(result).Get("vpcId") : null;
        PropertyValue vpcId = answered switch
        {
            StringValue { Value.Length: > 0 } id => id,
            UnknownValue when request.DryRun => AwsConfig.VpcOfFirstSubnet(aws.SubnetIds),
            _ => throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"looking up the VPC of subnet {subnet} ({GetSubnet}) answered without vpcId, which the security " +
                "groups and a Service's target group need; set multinode:aws.vpcId to skip the lookup")),
        };
        return config with { TargetConfig = aws with { VpcId = vpcId } };
    }

    private static (string? Id, bool Secret) FirstSubnet(PropertyValue? subnets, bool secret) => subnets switch
    {
        ArrayValue { Items: [StringValue { Value: var id }, ..] } => (id, secret),
        ArrayValue { Items: [SecretValue { Value: StringValue { Value: var id } }, ..] } => (id, true),
        SecretValue { Value: var inner } => FirstSubnet(inner, secret: true),
        _ => (null, false),
    };
}
