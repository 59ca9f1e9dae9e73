using Multinode.Contracts;
using Multinode.Infra.Values;
using static Multinode.Infra.Targets.Aws.AwsChildren;

namespace Multinode.Infra.Targets.Aws;

/// <summary>What the instances run and read: the launch template (machine, AMI, metadata options, boot script),
/// the secrets parameter, and a queue workload's SQS queues.</summary>
internal static class AwsInstances
{
    /// <summary>Public SSM parameters of the ECS-optimized Amazon Linux 2023 AMIs, resolved by EC2 at launch.</summary>
    public const string AmiParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
    public const string GpuAmiParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id";

    /// <summary>The work queue and its dead-letter queue; SQS itself moves a message that failed
    /// <see cref="UserData.MaxReceives"/> times (its redrive policy), so workers need no rights on the dead letters.</summary>
    public static string Queues(AwsChildren c)
    {
        var dlq = c.Add(AwsTypes.Queue, "dlq", new PropertyMap(
            ("messageRetentionSeconds", 1209600),
            ("sqsManagedSseEnabled", true),
            ("tags", c.Tags)));
        return c.Add(AwsTypes.Queue, "queue", new PropertyMap(
            // A message stays invisible while its worker runs it (SQS allows at most 12 hours).
            ("visibilityTimeoutSeconds", Math.Min(PlatformLimits.SqsMaxVisibilitySeconds,
                c.Workload.Container.TimeoutSeconds)),
            ("messageRetentionSeconds", 345600),
            ("receiveWaitTimeSeconds", 20),
            ("sqsManagedSseEnabled", true),
            ("redrivePolicy", PropertyValue.Concat(
                "{\"deadLetterTargetArn\":\"", Ref(dlq, "arn"), $"\",\"maxReceiveCount\":{UserData.MaxReceives}}}")),
            ("tags", c.Tags)));
    }

    /// <summary>Secret env values live in a SecureString parameter only this workload's role may read, never in user data.</summary>
    public static string? SecretsParameter(AwsChildren c) =>
        UserData.SecretEnvFile(c.Workload.Container) is { } secretValues
            ? c.Add(AwsTypes.Parameter, "secrets", new PropertyMap(
                ("name", PhysicalNames.ParameterName($"{c.Name}-secrets")),
                ("type", "SecureString"),
                // Above 4 KB a parameter needs the Advanced tier (up to 8 KB, checked in AwsChecks).
                ("tier", AwsChecks.Known(secretValues) is { } text && System.Text.Encoding.UTF8.GetByteCount(text) > AwsChecks.MaxStandardParameterBytes
                    ? PropertyValue.From("Advanced") : null),
                ("description", $"Secret env values of Multinode {c.Kind} \"{c.Name}\" (Docker env-file lines)"),
                ("value", PropertyValue.Secret(secretValues)),
                ("tags", c.Tags)))
            : null;

    public static PropertyMap LaunchTemplate(AwsChildren c, string profile, string sg)
    {
        var gpu = c.Workload.Resources.Gpu is not null;
        PropertyValue securityGroups = c.Aws.SecurityGroupIds switch
        {
            null => List(Ref(sg, "id")),
            ArrayValue extra => PropertyValue.From(extra.Items.Prepend(Ref(sg, "id"))),
            // A secret list stays secret as a whole, the workload's own group with it: never dropped.
            SecretValue { Value: ArrayValue extra } => PropertyValue.Secret(PropertyValue.From(extra.Items.Prepend(Ref(sg, "id")))),
            _ => PropertyValue.UnknownFrom("prepend", Ref(sg, "id"), c.Aws.SecurityGroupIds),
        };
        return new PropertyMap(
            ("description", $"Multinode {c.Kind} \"{c.Name}\""),
            ("imageId", c.Aws.AmiId ?? $"resolve:ssm:{(gpu ? GpuAmiParameter : AmiParameter)}"),
            ("instanceType", c.Choice.Primary.Name),
            ("keyName", c.Aws.KeyName),
            ("vpcSecurityGroupIds", securityGroups),
            ("iamInstanceProfile", Obj(("arn", Ref(profile, "arn")))),
            ("metadataOptions", Obj(
                ("httpEndpoint", "enabled"),
                ("httpTokens", "required"),
                // Hop limit 1: the boot script and the host-network containers (a queue workload's worker and user
                // container) reach the instance role; no container behind Docker's bridge does.
                ("httpPutResponseHopLimit", 1),
                ("instanceMetadataTags", "enabled"))),
            ("blockDeviceMappings", List(Obj(
                ("deviceName", "/dev/xvda"),
                ("ebs", Obj(
                    ("volumeSize", gpu ? 100 : 30),
                    ("volumeType", "gp3"),
                    ("encrypted", "true"),
                    ("deleteOnTermination", "true")))))),
            // Detailed (one-minute) EC2 metrics where scaling reads them: basic monitoring is five-minute.
            ("monitoring", AwsScaling.Cpu(c) is not null ? Obj(("enabled", true)) : null),
            ("instanceInitiatedShutdownBehavior", "terminate"),
            ("userData", Text.Base64(c.BootScript)),
            ("updateDefaultVersion", true),
            ("tagSpecifications", List(Obj(("resourceType", "volume"), ("tags", c.Tags)))),
            ("tags", c.Tags));
    }
}
