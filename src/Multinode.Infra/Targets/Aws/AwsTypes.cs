namespace Multinode.Infra.Targets.Aws;

/// <summary>The @pulumi/aws type tokens the AWS target plans, and for each the input paths whose change makes the
/// upstream provider replace the resource (its ForceNew inputs), so that a diff can say "replace" before AWS does.</summary>
internal static class AwsTypes
{
    public const string Queue = "aws:sqs/queue:Queue";
    public const string Parameter = "aws:ssm/parameter:Parameter";
    public const string Role = "aws:iam/role:Role";
    public const string RolePolicy = "aws:iam/rolePolicy:RolePolicy";
    public const string InstanceProfile = "aws:iam/instanceProfile:InstanceProfile";
    public const string SecurityGroup = "aws:ec2/securityGroup:SecurityGroup";
    public const string EgressRule = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    public const string LaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate";
    public const string Group = "aws:autoscaling/group:Group";
    public const string Policy = "aws:autoscaling/policy:Policy";
    public const string Schedule = "aws:autoscaling/schedule:Schedule";
    public const string LifecycleHook = "aws:autoscaling/lifecycleHook:LifecycleHook";
    public const string MetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string LoadBalancer = "aws:lb/loadBalancer:LoadBalancer";
    public const string TargetGroup = "aws:lb/targetGroup:TargetGroup";
    public const string Listener = "aws:lb/listener:Listener";

    /// <summary>Outputs that change on every in-place update: a launch template gets a new version.</summary>
    public static IReadOnlyList<string> UpdatedOutputs(string type) => type == LaunchTemplate ? ["latestVersion"] : [];

    /// <summary>ForceNew input paths per type: the table scripts/generate-replace-table.mjs generates from the upstream
    /// provider's schema (scripts/data/aws-replace.json records the source and version).</summary>
    public static IReadOnlyList<string> ReplaceOnChanges(string type) =>
        AwsReplaceTable.ForceNew.TryGetValue(type, out var inputs)
            ? inputs
            : throw new ArgumentOutOfRangeException(nameof(type), type, "not a type the AWS target plans (scripts/data/aws-replace.json)");
}
