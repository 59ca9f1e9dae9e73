using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime.Credentials;
using Multinode.Infra.Catalog;
using Multinode.Infra.Schema;
using Multinode.Infra.Targets.Aws;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Provider;

/// <summary>
/// <c>multinode:index:selectInstanceType</c>. The answer comes from the same place a workload's does: the AWS
/// target's instance selection over the embedded catalog (the cheapest type that fits). With <c>live = true</c> and AWS credentials present, EC2's
/// DescribeInstanceTypes supplies the candidates instead (no prices there: the smallest fit wins).
/// </summary>
public sealed class InstanceTypeSelector(EngineLog log)
{
    private const string Label = "selectInstanceType";

    public async Task<PropertyMap> SelectAsync(PropertyMap args, CancellationToken cancellationToken)
    {
        var reader = new InputReader(Label);
        reader.Check(args, Functions.SelectInstanceType.Inputs, owner: Label);
        if (reader.Failures.Count > 0) throw new ValidationFailedException(reader.Failures);
        var request = new ResourceRequest(
            reader.Number("cpu")!.Value,
            Memory.Parse(reader.String("memory")!),
            reader.String("gpu.type") is { } gpu ? new GpuRequest(GpuTypes.TryParse(gpu)!.Value, reader.Integer("gpu.count")!.Value) : null);
        var region = reader.String("region")!;
        if (reader.Boolean("live") == true)
        {
            if (HasAwsCredentials()) return await FromEc2Async(request, region, cancellationToken).ConfigureAwait(false);
            log.Info("selectInstanceType: live = true but no AWS credentials were found; answering from the embedded catalog");
        }
        return FromCatalog(request);
    }

    /// <summary>The AWS target's own choice for one worker of this shape, so the function and the planned launch
    /// templates cannot disagree.</summary>
    private static PropertyMap FromCatalog(ResourceRequest request)
    {
        var catalog = InstanceCatalog.Default;
        var choice = InstanceSelection.Choose(Label, request, [], catalog);
        if (!choice.IsValid) throw new ValidationFailedException(choice.Failures);
        var type = choice.Value!.Primary;
        return new PropertyMap(
            ("instanceType", type.Name),
            ("source", "catalog"),
            ("hourlyPrice", (double)type.PriceAtLoad(request.Cpu)),
            ("vcpus", type.VCpus),
            ("memory", type.Memory.ToString()),
            ("catalogDate", catalog.Date),
            ("region", catalog.Region));
    }

    private static bool HasAwsCredentials()
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials() is not null;
        }
        catch (Amazon.Runtime.AmazonClientException)
        {
            return false;
        }
    }

    private static async Task<PropertyMap> FromEc2Async(ResourceRequest request, string region, CancellationToken cancellationToken)
    {
        using var ec2 = new AmazonEC2Client(RegionEndpoint.GetBySystemName(region));
        var candidates = new List<InstanceTypeInfo>();
        string? next = null;
        do
        {
            var page = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest
            {
                Filters = [new Filter("current-generation", ["true"])],
                NextToken = next,
            }, cancellationToken).ConfigureAwait(false);
            candidates.AddRange(page.InstanceTypes ?? []);
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var best = candidates
            .Where(t => Fits(t, request))
            .OrderBy(t => t.VCpuInfo?.DefaultVCpus ?? int.MaxValue)
            .ThenBy(t => t.MemoryInfo?.SizeInMiB ?? long.MaxValue)
            .ThenBy(t => t.InstanceType?.Value, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw new ValidationFailedException([new ValidationFailure(Label, "",
                $"no current-generation instance type in {region} has {request.Cpu} vCPU, {request.Memory}" +
                (request.Gpu is { } g ? $" and {g.Count} × {g.Type.Name()}" : ""))]);
        return new PropertyMap(
            ("instanceType", best.InstanceType?.Value ?? ""),
            ("source", "ec2"),
            ("vcpus", best.VCpuInfo?.DefaultVCpus is { } v ? PropertyValue.From(v) : null),
            ("memory", best.MemoryInfo?.SizeInMiB is { } m ? PropertyValue.From(new Memory(m * 1024 * 1024).ToString()) : null));
    }

    private static bool Fits(InstanceTypeInfo type, ResourceRequest request)
    {
        if ((type.VCpuInfo?.DefaultVCpus ?? 0) < request.Cpu) return false;
        if ((type.MemoryInfo?.SizeInMiB ?? 0) * 1024 * 1024 < request.Memory.Bytes) return false;
        var gpus = type.GpuInfo?.Gpus ?? [];
        if (request.Gpu is not { } gpu) return gpus.Count == 0;
        var match = gpus.FirstOrDefault(g => GpuTypes.TryParse(g.Name ?? "") is { } t &&
            (t == gpu.Type || (gpu.Type == GpuType.A100_80GB && t == GpuType.A100 && (g.MemoryInfo?.SizeInMiB ?? 0) >= 80 * 1024)));
        return match is not null && (match.Count ?? 0) >= gpu.Count;
    }
}
