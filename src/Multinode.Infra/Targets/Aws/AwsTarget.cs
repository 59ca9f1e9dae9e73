using Multinode.Infra.Catalog;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The AWS target (<c>multinode:target = aws</c>): plans a workload as EC2 Auto Scaling infrastructure (docs/aws.md,
/// docs/scaling.md). Every kind gets an IAM role, policy and instance profile (<see cref="AwsIdentity"/>), security
/// groups (<see cref="AwsNetwork"/>), a launch template (<see cref="AwsInstances"/>) and an Auto Scaling group
/// (<see cref="AwsScaling"/>); what else a kind gets — queues, a load balancer (<see cref="AwsLoadBalancing"/>),
/// scaling policies, a scheduled action — follows from its entry in <see cref="AwsKinds"/>. Logical names derive from
/// the workload name only; physical names are left to Pulumi's auto-naming, so that no shape-dependent value ever
/// renames (and so replaces) a child.
/// </summary>
public sealed partial class AwsTarget(InstanceCatalog catalog, IReadOnlyDictionary<WorkloadKind, AwsMapping> kinds)
    : ITarget
{
    public static readonly AwsTarget Default = new(InstanceCatalog.Default);

    /// <summary>The target's name in config.</summary>
    public const string TargetName = "aws";

    /// <summary>The target with its own table of kind → mapping (<see cref="AwsKinds"/>).</summary>
    public AwsTarget(InstanceCatalog catalog) : this(catalog, AwsKinds.Table) { }

    public string Name => TargetName;

    public ITarget With(WorkloadKind kind, IKindMapping mapping) =>
        new AwsTarget(catalog, KindMappings.With(this, kinds, kind, mapping));

    public InputSpec ConfigSpec => AwsConfig.Spec;

    /// <summary>@pulumi/aws, at the version the type-check tests lock.</summary>
    public ChildPackage ChildPackage { get; } = new("aws", "7.48.0");

    public TargetConfig? ReadConfig(InputReader reader, PropertyMap given, bool chosen) =>
        AwsConfig.Read(reader, chosen, given.Get(Name) is (UnknownValue or ReferenceValue) and var block ? block : null);

    public PropertyMap? UnknownSettings(PropertyValue block) => AwsConfig.UnknownSettings(block);

    public string PricingNote(InstanceCatalog catalog) => PricingNotes.WorstCase(catalog) + ".";

    public IEnumerable<ValidationFailure> Check(IReadOnlyList<Workload> workloads, ProviderConfig config)
    {
        var aws = config.SettingsOf<AwsConfig>();
        return workloads.SelectMany(w => kinds.TryGetValue(w.Kind, out var mapping) ? mapping.Check(w, aws) : []);
    }

    public Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config)
    {
        var aws = config.SettingsOf<AwsConfig>();
        if (kinds.GetValueOrDefault(workload.Kind)?.Shape(workload) is not { } shape)
            return Result<WorkloadPlan>.Fail([KindMappings.NotPlanned(this, workload)]);
        var failures = new List<ValidationFailure>();
        failures.AddRange(AwsChecks.Tags(workload));
        failures.AddRange(AwsChecks.SecretEnv(workload));
        // The boot script is built once: its size is checked here and the launch template carries it.
        var ecr = EcrImage.Pulled(workload, config.WorkerImage);
        var script = UserData.Script(workload, shape, workload.Container.HasSecretEnv, ecr, config.WorkerImage);
        failures.AddRange(AwsChecks.UserDataSize(workload, script));
        var choice = InstanceSelection.Choose(workload, catalog);
        failures.AddRange(choice.Failures);
        if (failures.Count > 0) return Result<WorkloadPlan>.Fail(failures);
        var plan = new AwsChildren(workload, shape, aws, choice.Value!, catalog, config.WorkerImage, ecr, script)
            .Build();
        if (AwsChecks.TagCount(plan) is { } tooMany) return Result<WorkloadPlan>.Fail([tooMany]);
        return Result<WorkloadPlan>.Ok(GpuWaste.Check(workload, choice.Value!, catalog) is { } idleGpus
            ? plan with { Warnings = [idleGpus] }
            : plan);
    }
}
