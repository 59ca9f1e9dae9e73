using Multinode.Infra.Catalog;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// One workload's children on AWS, built in registration order: the queue (a queue workload), the secrets
/// parameter, identity (<see cref="AwsIdentity"/>), network (<see cref="AwsNetwork"/>), the launch template
/// (<see cref="AwsInstances"/>), load balancing (<see cref="AwsLoadBalancing"/>), and the group with its scaling
/// (<see cref="AwsScaling"/>). What the kind decides comes from its <see cref="AwsShape"/>; the ECR images and the
/// boot script (<see cref="UserData.Script"/>) come built, as <see cref="AwsTarget"/> checked them.
/// </summary>
internal sealed class AwsChildren(Workload workload, AwsShape shape, AwsConfig aws, InstanceChoice choice, InstanceCatalog catalog, string workerImage,
    IReadOnlyList<EcrImage> ecr, PropertyValue bootScript)
{
    private readonly List<PlannedResource> _resources = [];

    public Workload Workload => workload;
    public AwsShape Shape => shape;
    public AwsConfig Aws => aws;
    public InstanceChoice Choice => choice;
    public string WorkerImage => workerImage;

    /// <summary>The boot script as plain text (<see cref="UserData.Script"/>).</summary>
    public PropertyValue BootScript => bootScript;

    /// <summary>The workload's name, which every child's name starts with.</summary>
    public string Name => workload.Name;

    /// <summary>The kind as descriptions name it: <c>Function</c>.</summary>
    public string Kind => KindNames.Of(workload);

    /// <summary>Adds a child <c>name-suffix</c>; outputs that echo a secret input are marked secret
    /// (additionalSecretOutputs), so the engine keeps them secret even where the provider would return them plain.</summary>
    public string Add(string type, string suffix, PropertyMap inputs)
    {
        var name = $"{Name}-{suffix}";
        var secretOutputs = inputs.Where(e => e.Value.ContainsSecret).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        _resources.Add(new PlannedResource(type, name, inputs,
            new ResourceOptions { ReplaceOnChanges = AwsTypes.ReplaceOnChanges(type), AdditionalSecretOutputs = secretOutputs })
        {
            UpdatedOutputs = AwsTypes.UpdatedOutputs(type),
        });
        return name;
    }

    public static PropertyValue Ref(string resource, string property) => PropertyValue.Reference(resource, property);

    public static PropertyValue Obj(params (string, PropertyValue?)[] entries) => PropertyValue.From(new PropertyMap(entries));

    public static PropertyValue List(params PropertyValue[] items) => PropertyValue.From(items);

    /// <summary>Tags of every taggable child: the workload's own, then Multinode's (which win).</summary>
    public PropertyValue Tags => PropertyValue.From(new PropertyMap(workload.Container.Tags
        .Append(KeyValuePair.Create("multinode:workload", (PropertyValue)Name))
        .Append(KeyValuePair.Create("multinode:kind", (PropertyValue)KindNames.TokenOf(workload)))));

    public WorkloadPlan Build()
    {
        var queue = shape.Queue is not null ? AwsInstances.Queues(this) : null;
        var secrets = AwsInstances.SecretsParameter(this);
        var (role, profile) = AwsIdentity.RoleAndProfile(this);
        var (sg, lbSg) = AwsNetwork.SecurityGroups(this);
        var lt = Add(AwsTypes.LaunchTemplate, "lt", AwsInstances.LaunchTemplate(this, profile, sg));
        var (tg, lb) = shape.LoadBalancer is { } balanced ? AwsLoadBalancing.Plan(this, balanced, lbSg!) : (null, null);
        var asg = Add(AwsTypes.Group, "asg", AwsScaling.Group(this, lt, queue, secrets, tg));
        AwsIdentity.RolePolicy(this, role, asg, queue, secrets, ecr);
        AwsScaling.Plan(this, asg, queue);
        return new WorkloadPlan(workload, _resources, Outputs(queue, lb), Summary());
    }

    /// <summary>Exactly the keys of the kind's <see cref="WorkloadKind.Outputs"/>.</summary>
    private PropertyMap Outputs(string? queue, string? lb) => new(
        (WorkloadOutputs.Children.Name, PropertyValue.Strings(_resources.Select(r => r.Name))),
        (WorkloadOutputs.Queue.Name, queue is null ? null : Ref(queue, "url")),
        // The DNS name: a reference cannot be prefixed with "http://" until plans can format strings from outputs.
        (WorkloadOutputs.Endpoint.Name, lb is null ? null
            : PropertyValue.Concat(shape.LoadBalancer is { CertificateArn: not null } ? "https://" : "http://", Ref(lb, "dnsName"))),
        (WorkloadOutputs.Schedule.Name, shape.Schedule is { } schedule ? PropertyValue.From(schedule.ToString()) : null));

    private PlanSummary Summary()
    {
        var summary = Summaries.AtMaximumScale(workload);
        var price = choice.WorstPricePerHour(workload.Resources.Cpu);
        var credits = choice.Types.Any(t => t.BaselineCpuFraction is not null) ? ", incl. CPU credits at the requested load" : "";
        var cost = summary.MaxWorkers * price;
        var facts = new List<KeyValuePair<string, string>>
        {
            new(choice.Types.Count == 1 ? "instance type" : "instance types", string.Join(", ", choice.Types.Select(t => t.Description))),
            new("price per instance-hour", "≈ " + Numbers.Dollars(price) + (choice.Types.Count > 1 ? " (the dearest listed" + credits + ")" : credits.Length > 0 ? $" ({credits[2..]})" : "")),
            new("prices", $"on-demand {catalog.Region}, catalog of {catalog.Date}" +
                (aws.Region == catalog.Region ? "" : $" (aws.region is {aws.Region}; prices there differ)")),
        };
        if (shape.LoadBalancer is { } balanced)
        {
            facts.AddRange(AwsLoadBalancing.Facts(balanced));
            cost += AwsLoadBalancing.PricePerHour;
        }
        // Trailing zeros of a product (30 × 0.526 = 15.780) would otherwise show in printed plans.
        return summary with { Facts = facts, MaxHourlyCost = cost / 1.0000000000000000000000000000m, WorkerHourlyCost = price };
    }
}
