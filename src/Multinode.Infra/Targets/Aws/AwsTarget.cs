using System.Text.RegularExpressions;
using Multinode.Infra.Catalog;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// Plans a workload as EC2 Auto Scaling infrastructure (docs/aws.md, docs/scaling.md): IAM role, policy and instance
/// profile, an egress-only security group, a launch template and an Auto Scaling group for every kind, plus SQS queues
/// and queue-driven policies for Function and Job, a load balancer for Service, and a scheduled action for
/// ScheduledTask. Logical names derive from the workload name only; physical names are left to Pulumi's auto-naming,
/// so that no shape-dependent value ever renames (and so replaces) a child.
/// </summary>
public sealed partial class AwsTarget(InstanceCatalog catalog) : ITarget
{
    public AwsTarget() : this(InstanceCatalog.Default) { }

    /// <summary>Public SSM parameters of the ECS-optimized Amazon Linux 2023 AMIs, resolved by EC2 at launch.</summary>
    public const string AmiParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
    public const string GpuAmiParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id";

    /// <summary>The Application Load Balancer's fixed hourly price in us-east-1 (LCUs are usage-based and not counted).</summary>
    public const decimal LoadBalancerPricePerHour = 0.0225m;

    /// <summary>The listener port clients reach a Service on over HTTP (redirected to HTTPS when a certificate is given).</summary>
    public const int ListenerPort = 80;

    /// <summary>Name prefix of the SQS queues a worker may send replies to (a message's <c>replyTo</c>): the one
    /// permission that cannot name a queue of the workload's own.</summary>
    public const string ReplyQueuePrefix = "multinode-replies-";

    /// <summary>The reply queues' ARN pattern in the role policy.</summary>
    public const string ReplyQueues = "arn:aws:sqs:*:*:" + ReplyQueuePrefix + "*";

    /// <summary>The HTTPS listener port of a Service with a certificate.</summary>
    public const int HttpsPort = 443;

    /// <summary>The load balancer's TLS policy: TLS 1.3 and 1.2 with forward-secret ciphers only, AWS's recommended
    /// policy for HTTPS listeners.</summary>
    public const string TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    public Result<WorkloadPlan> Plan(Workload workload, ProviderConfig config)
    {
        var aws = config.Aws ?? throw new InvalidOperationException("target aws without aws config passed validation");
        var failures = new List<ValidationFailure>();
        failures.AddRange(CheckTags(workload));
        failures.AddRange(CheckSecretEnv(workload));
        failures.AddRange(CheckUserDataSize(workload, config.WorkerImage));
        var choice = InstanceSelection.Choose(workload, catalog);
        failures.AddRange(choice.Failures);
        if (failures.Count > 0) return Result<WorkloadPlan>.Fail(failures);
        return Result<WorkloadPlan>.Ok(new Builder(workload, aws, choice.Value!, catalog, config.WorkerImage).Build());
    }

    [GeneratedRegex(@"^[A-Za-z0-9+\-=.,_:@]{1,128}$")]
    private static partial Regex InstanceTagKey();

    /// <summary>Instance tags are readable through the metadata service (the boot script needs that), which allows only
    /// these characters in tag keys; AWS would refuse to launch otherwise.</summary>
    private static IEnumerable<ValidationFailure> CheckTags(Workload workload)
    {
        foreach (var key in workload.Container.Tags.Keys)
        {
            if (!InstanceTagKey().IsMatch(key) || key is "." or ".." or "_index" ||
                key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                yield return new ValidationFailure(workload.Label, $"tags.{key}",
                    $"tags.{key}: the key {PropertyValue.QuoteShort(key)} cannot tag an EC2 instance whose tags are readable from the instance metadata; " +
                    "use letters, digits and + - = . , _ : @ (no spaces or '/', not starting with \"aws:\")");
            else if (Known(workload.Container.Tags[key]) is { Length: > MaxTagValueLength } value)
                yield return new ValidationFailure(workload.Label, $"tags.{key}",
                    $"tags.{key} = {workload.Container.Tags[key].Display()} is {value.Length} characters long, above AWS's limit of {MaxTagValueLength} for a tag value");
        }
    }

    /// <summary>EC2 takes at most 16 KB of user data after base64 encoding.</summary>
    public const int MaxUserDataBytes = 16 * 1024;

    /// <summary>A Standard SSM parameter holds at most 4 KB; up to 8 KB the parameter uses the Advanced tier.</summary>
    public const int MaxStandardParameterBytes = 4 * 1024;
    public const int MaxParameterBytes = 8 * 1024;

    /// <summary>AWS tag values hold at most 256 characters.</summary>
    public const int MaxTagValueLength = 256;

    /// <summary>The boot script and the secrets parameter must fit what EC2 and SSM take. Checked when their text is
    /// known: in a preview with unknown parts, the update (which knows them) checks again.</summary>
    private static IEnumerable<ValidationFailure> CheckUserDataSize(Workload workload, string workerImage)
    {
        var c = workload.Container;
        if (Known(UserData.Script(workload, c.HasSecretEnv, EcrImage.Pulled(workload, workerImage), workerImage)) is { } script)
        {
            var encoded = (System.Text.Encoding.UTF8.GetByteCount(script) + 2) / 3 * 4;
            if (encoded > MaxUserDataBytes)
                yield return new ValidationFailure(workload.Label, LargestPart(c),
                    $"the instance boot script would be {encoded} bytes after base64, above EC2's user data limit of {MaxUserDataBytes} " +
                    "(16 KB); it carries the image, command, args and plain env values: shorten them, or mark large env values " +
                    "secret, which moves them into the SSM parameter");
        }
        if (UserData.SecretEnvFile(c) is { } file && Known(file) is { } text &&
            System.Text.Encoding.UTF8.GetByteCount(text) is var size && size > MaxParameterBytes)
            yield return new ValidationFailure(workload.Label, "env",
                $"the secret env values take {size} bytes as env-file lines, above the {MaxParameterBytes} bytes (8 KB) an SSM parameter holds");
    }

    /// <summary>The text of a value that is known (possibly secret); null while any part is unknown.</summary>
    private static string? Known(PropertyValue value) => value switch
    {
        StringValue s => s.Value,
        SecretValue { Value: StringValue s } => s.Value,
        _ => null,
    };

    /// <summary>The input that takes most of the boot script, to name in the message.</summary>
    private static string LargestPart(Container c)
    {
        static int Size(PropertyValue? v) => v?.ToJson().Length ?? 0;
        return new[] { ("image", Size(c.Image)), ("command", Size(c.Command)), ("args", Size(c.Args)), ("env", Size(PropertyValue.From(c.Env))) }
            .MaxBy(p => p.Item2).Item1;
    }

    /// <summary>Secret env values travel as Docker env-file lines (docs/aws.md), which cannot hold a line break.</summary>
    private static IEnumerable<ValidationFailure> CheckSecretEnv(Workload workload)
    {
        static bool Broken(PropertyValue value) =>
            value is SecretValue { Value: StringValue s } && s.Value.Contains('\n', StringComparison.Ordinal);
        foreach (var (key, _) in workload.Container.Env.Where(e => Broken(e.Value)))
            yield return new ValidationFailure(workload.Label, $"env.{key}",
                $"env.{key} = [secret] contains a line break; on AWS secret values reach the container as Docker env-file lines, one per variable");
        if (workload.Container.WholeEnv is SecretValue { Value: ObjectValue whole } &&
            whole.Map.Values.Any(v => v is StringValue { Value: var text } && text.Contains('\n', StringComparison.Ordinal)))
            yield return new ValidationFailure(workload.Label, "env",
                "env = [secret] has a value with a line break; on AWS secret values reach the container as Docker env-file lines, one per variable");
    }

    /// <summary>Builds one workload's children in registration order.</summary>
    private sealed class Builder(Workload workload, AwsConfig aws, InstanceChoice choice, InstanceCatalog catalog, string workerImage)
    {
        private readonly List<PlannedResource> _resources = [];
        private readonly string _n = workload.Name;

        /// <summary>Adds a child; outputs that echo a secret input are marked secret (additionalSecretOutputs), so the
        /// engine keeps them secret even where the provider would return them plain.</summary>
        private string Add(string type, string suffix, PropertyMap inputs)
        {
            var name = $"{_n}-{suffix}";
            var secretOutputs = inputs.Where(e => e.Value.ContainsSecret).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
            _resources.Add(new PlannedResource(type, name, inputs,
                new ResourceOptions { ReplaceOnChanges = AwsTypes.ReplaceOnChanges(type), AdditionalSecretOutputs = secretOutputs })
            {
                UpdatedOutputs = AwsTypes.UpdatedOutputs(type),
            });
            return name;
        }

        private static PropertyValue Ref(string resource, string property) => PropertyValue.Reference(resource, property);

        private static PropertyValue Obj(params (string, PropertyValue?)[] entries) => PropertyValue.From(new PropertyMap(entries));

        private static PropertyValue List(params PropertyValue[] items) => PropertyValue.From(items);

        private string Kind => workload.Kind.ToString();

        /// <summary>Tags of every taggable child: the workload's own, then Multinode's (which win).</summary>
        private PropertyValue Tags => PropertyValue.From(new PropertyMap(workload.Container.Tags
            .Append(KeyValuePair.Create("multinode:workload", (PropertyValue)_n))
            .Append(KeyValuePair.Create("multinode:kind", (PropertyValue)workload.Kind.Token()))));

        public WorkloadPlan Build()
        {
            var queue = workload.Kind is WorkloadKind.Function or WorkloadKind.Job ? Queues() : null;
            var secrets = SecretsParameter();
            var (role, profile) = Identity();
            var (sg, lbSg) = SecurityGroups();
            var ecr = EcrImage.Pulled(workload, workerImage);
            var lt = Add(AwsTypes.LaunchTemplate, "lt", LaunchTemplate(profile, sg, secrets is not null, ecr));
            var (tg, lb) = workload is ServiceWorkload service ? LoadBalancer(service, lbSg!) : (null, null);
            var asg = Add(AwsTypes.Group, "asg", Group(lt, queue, secrets, tg));
            RolePolicy(role, asg, queue, secrets, ecr);
            Scaling(asg, queue);
            return new WorkloadPlan(workload, _resources, Outputs(queue, lb), Summary());
        }

        /// <summary>The work queue and its dead-letter queue; SQS itself moves a message that failed
        /// <see cref="UserData.MaxReceives"/> times (its redrive policy), so workers need no rights on the dead letters.</summary>
        private string Queues()
        {
            var dlq = Add(AwsTypes.Queue, "dlq", new PropertyMap(
                ("messageRetentionSeconds", 1209600),
                ("sqsManagedSseEnabled", true),
                ("tags", Tags)));
            var queue = Add(AwsTypes.Queue, "queue", new PropertyMap(
                // A message stays invisible while its worker runs it (SQS allows at most 12 hours).
                ("visibilityTimeoutSeconds", Math.Min(43200, workload.Container.TimeoutSeconds)),
                ("messageRetentionSeconds", 345600),
                ("receiveWaitTimeSeconds", 20),
                ("sqsManagedSseEnabled", true),
                ("redrivePolicy", PropertyValue.Concat(
                    "{\"deadLetterTargetArn\":\"", Ref(dlq, "arn"), $"\",\"maxReceiveCount\":{UserData.MaxReceives}}}")),
                ("tags", Tags)));
            return queue;
        }

        /// <summary>Secret env values live in a SecureString parameter only this workload's role may read, never in user data.</summary>
        private string? SecretsParameter() =>
            UserData.SecretEnvFile(workload.Container) is { } secretValues
                ? Add(AwsTypes.Parameter, "secrets", new PropertyMap(
                    ("type", "SecureString"),
                    // Above 4 KB a parameter needs the Advanced tier (up to 8 KB, checked in CheckUserDataSize).
                    ("tier", Known(secretValues) is { } text && System.Text.Encoding.UTF8.GetByteCount(text) > MaxStandardParameterBytes ? PropertyValue.From("Advanced") : null),
                    ("description", $"Secret env values of Multinode {Kind} \"{_n}\" (Docker env-file lines)"),
                    ("value", PropertyValue.Secret(secretValues)),
                    ("tags", Tags)))
                : null;

        private (string Role, string Profile) Identity()
        {
            var role = Add(AwsTypes.Role, "role", new PropertyMap(
                ("description", $"Instances of Multinode {Kind} \"{_n}\""),
                ("assumeRolePolicy", Obj(
                    ("Version", "2012-10-17"),
                    ("Statement", List(Obj(
                        ("Effect", "Allow"),
                        ("Principal", Obj(("Service", "ec2.amazonaws.com"))),
                        ("Action", "sts:AssumeRole")))))),
                ("tags", Tags)));
            var profile = Add(AwsTypes.InstanceProfile, "profile", new PropertyMap(
                ("role", Ref(role, "name")),
                ("tags", Tags)));
            return (role, profile);
        }

        /// <summary>The instances' group (egress only; a Service's container port from its load balancer alone) and, for a
        /// Service, the load balancer's. Descriptions, which AWS cannot change in place, depend on kind and name only.</summary>
        private (string Instances, string? LoadBalancer) SecurityGroups()
        {
            var allOutbound = List(Obj(("description", "all outbound"), ("protocol", "-1"), ("fromPort", 0), ("toPort", 0),
                ("cidrBlocks", PropertyValue.Strings(["0.0.0.0/0"])), ("ipv6CidrBlocks", PropertyValue.Strings(["::/0"]))));
            if (workload is not ServiceWorkload service)
            {
                return (Add(AwsTypes.SecurityGroup, "sg", new PropertyMap(
                    ("description", $"Multinode {Kind} {_n}: instances, egress only"),
                    ("vpcId", aws.VpcId),
                    ("ingress", List()),
                    ("egress", allOutbound),
                    ("tags", Tags))), null);
            }
            PropertyValue FromAnywhere(string what, int port) => Obj(("description", $"{what} from anywhere"), ("protocol", "tcp"),
                ("fromPort", port), ("toPort", port),
                ("cidrBlocks", PropertyValue.Strings(["0.0.0.0/0"])), ("ipv6CidrBlocks", PropertyValue.Strings(["::/0"])));
            var lbSg = Add(AwsTypes.SecurityGroup, "lb-sg", new PropertyMap(
                ("description", $"Multinode Service {_n}: load balancer, HTTP from anywhere"),
                ("vpcId", aws.VpcId),
                ("ingress", service.CertificateArn is null
                    ? List(FromAnywhere("HTTP", ListenerPort))
                    : List(FromAnywhere("HTTP", ListenerPort), FromAnywhere("HTTPS", HttpsPort))),
                // No inline egress: the one rule (below) names the instances' group, which names this one.
                ("tags", Tags)));
            var sg = Add(AwsTypes.SecurityGroup, "sg", new PropertyMap(
                ("description", $"Multinode {Kind} {_n}: instances, reachable only from the load balancer"),
                ("vpcId", aws.VpcId),
                ("ingress", List(Obj(("description", "from the load balancer"), ("protocol", "tcp"), ("fromPort", service.Port), ("toPort", service.Port),
                    ("securityGroups", List(Ref(lbSg, "id")))))),
                ("egress", allOutbound),
                ("tags", Tags)));
            // The load balancer reaches the replicas' port on the instances' group only, not the whole VPC.
            Add(AwsTypes.EgressRule, "lb-egress", new PropertyMap(
                ("securityGroupId", Ref(lbSg, "id")),
                ("description", "to the replica port of the instances group only"),
                ("ipProtocol", "tcp"),
                ("fromPort", service.Port),
                ("toPort", service.Port),
                ("referencedSecurityGroupId", Ref(sg, "id")),
                ("tags", Tags)));
            return (sg, lbSg);
        }

        private (string TargetGroup, string LoadBalancer) LoadBalancer(ServiceWorkload service, string lbSg)
        {
            var tg = Add(AwsTypes.TargetGroup, "tg", new PropertyMap(
                ("port", service.Port),
                ("protocol", "HTTP"),
                ("targetType", "instance"),
                ("vpcId", aws.VpcId),
                // Connection draining: a replica leaving keeps its requests for up to timeoutSeconds (ALB allows 3600).
                ("deregistrationDelay", Math.Min(3600, workload.Container.TimeoutSeconds)),
                ("healthCheck", Obj(
                    ("enabled", true), ("path", service.HealthCheckPath), ("protocol", "HTTP"), ("port", "traffic-port"),
                    ("matcher", "200-399"), ("interval", 15), ("timeout", 5), ("healthyThreshold", 2), ("unhealthyThreshold", 3))),
                ("tags", Tags)));
            var lb = Add(AwsTypes.LoadBalancer, "lb", new PropertyMap(
                ("loadBalancerType", "application"),
                ("internal", false),
                ("subnets", aws.SubnetIds),
                ("securityGroups", List(Ref(lbSg, "id"))),
                ("dropInvalidHeaderFields", true),
                ("tags", Tags)));
            var forward = List(Obj(("type", "forward"), ("targetGroupArn", Ref(tg, "arn"))));
            // With a certificate, HTTP only redirects: nothing is ever served in the clear.
            Add(AwsTypes.Listener, "http", new PropertyMap(
                ("loadBalancerArn", Ref(lb, "arn")),
                ("port", ListenerPort),
                ("protocol", "HTTP"),
                ("defaultActions", service.CertificateArn is null
                    ? forward
                    : List(Obj(("type", "redirect"), ("redirect", Obj(
                        ("port", HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("protocol", "HTTPS"), ("statusCode", "HTTP_301")))))),
                ("tags", Tags)));
            if (service.CertificateArn is { } certificate)
            {
                Add(AwsTypes.Listener, "https", new PropertyMap(
                    ("loadBalancerArn", Ref(lb, "arn")),
                    ("port", HttpsPort),
                    ("protocol", "HTTPS"),
                    ("sslPolicy", TlsPolicy),
                    ("certificateArn", certificate),
                    ("defaultActions", forward),
                    ("tags", Tags)));
            }
            return (tg, lb);
        }

        /// <summary>The kind's scaling children (docs/scaling.md): queue-driven policies, CPU tracking or a schedule.</summary>
        private void Scaling(string asg, string? queue)
        {
            switch (workload)
            {
                case FunctionWorkload f:
                    // Closes the race between "idle, so unprotected" and "just took a message": an instance chosen
                    // for scale-in may finish its invocation before it goes.
                    Add(AwsTypes.LifecycleHook, "drain", new PropertyMap(
                        // The worker completes the hook by this name (MULTINODE_LIFECYCLE_HOOK in the boot script).
                        ("name", UserData.DrainHook(workload)),
                        ("autoscalingGroupName", Ref(asg, "name")),
                        ("lifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING"),
                        ("heartbeatTimeout", DrainSeconds(workload.Container.TimeoutSeconds)),
                        ("defaultResult", "CONTINUE")));
                    QueuePolicies(asg, queue!, new QueueScaling(f.MaxWorkersLimit, f.SpareWorkers, f.CooldownPeriod));
                    break;
                case JobWorkload j:
                    QueuePolicies(asg, queue!, new QueueScaling(j.MaxConcurrency, 0, null));
                    break;
                case ServiceWorkload s:
                    Add(AwsTypes.Policy, "cpu", new PropertyMap(
                        ("autoscalingGroupName", Ref(asg, "name")),
                        ("policyType", "TargetTrackingScaling"),
                        ("estimatedInstanceWarmup", 300),
                        ("targetTrackingConfiguration", Obj(
                            ("predefinedMetricSpecification", Obj(("predefinedMetricType", "ASGAverageCPUUtilization"))),
                            ("targetValue", CpuTarget(s.TargetCpuUtilization))))));
                    break;
                case ScheduledTaskWorkload t:
                    Add(AwsTypes.Schedule, "run", new PropertyMap(
                        // Unique within its group only, so a fixed name cannot collide across stacks.
                        ("scheduledActionName", $"{_n}-run"),
                        ("autoscalingGroupName", Ref(asg, "name")),
                        ("recurrence", t.Schedule),
                        ("timeZone", t.TimeZone),
                        ("minSize", 0),
                        ("maxSize", 1),
                        ("desiredCapacity", 1)));
                    break;
            }
        }

        /// <summary>Exactly the keys of <see cref="WorkloadOutputs.For"/>.</summary>
        private PropertyMap Outputs(string? queue, string? lb) => new(
            (WorkloadOutputs.Children.Name, PropertyValue.Strings(_resources.Select(r => r.Name))),
            (WorkloadOutputs.Queue.Name, queue is null ? null : Ref(queue, "url")),
            // The DNS name: a reference cannot be prefixed with "http://" until plans can format strings from outputs.
            (WorkloadOutputs.Endpoint.Name, lb is null ? null
                : PropertyValue.Concat(workload is ServiceWorkload { CertificateArn: not null } ? "https://" : "http://", Ref(lb, "dnsName"))),
            (WorkloadOutputs.Schedule.Name, workload is ScheduledTaskWorkload st ? PropertyValue.From($"{st.Schedule} ({st.TimeZone})") : null));

        /// <summary>How long a terminating worker may finish its invocation: timeoutSeconds plus 30 s to wind down,
        /// within the 30..7200 s a lifecycle hook allows.</summary>
        public static int DrainSeconds(int timeoutSeconds) => Math.Clamp(timeoutSeconds + 30, 30, 7200);

        /// <summary>100 × utilisation, rounded to hundredths so that 0.65 gives 65 and not 65.00000000000001.</summary>
        public static double CpuTarget(double utilisation) => Math.Round(utilisation * 100, 2);

        private PropertyMap LaunchTemplate(string profile, string sg, bool hasSecrets, IReadOnlyList<EcrImage> ecr)
        {
            var gpu = workload.Resources.Gpu is not null;
            PropertyValue securityGroups = aws.SecurityGroupIds switch
            {
                null => List(Ref(sg, "id")),
                ArrayValue extra => PropertyValue.From(extra.Items.Prepend(Ref(sg, "id"))),
                _ => PropertyValue.Unknown,
            };
            return new PropertyMap(
                ("description", $"Multinode {Kind} \"{_n}\""),
                ("imageId", aws.AmiId ?? $"resolve:ssm:{(gpu ? GpuAmiParameter : AmiParameter)}"),
                ("instanceType", choice.Primary.Name),
                ("keyName", aws.KeyName),
                ("vpcSecurityGroupIds", securityGroups),
                ("iamInstanceProfile", Obj(("arn", Ref(profile, "arn")))),
                ("metadataOptions", Obj(
                    ("httpEndpoint", "enabled"),
                    ("httpTokens", "required"),
                    // Hop limit 1: the boot script and the host-network containers (a Function's or Job's worker and
                    // user container) reach the instance role; no container behind Docker's bridge does.
                    ("httpPutResponseHopLimit", 1),
                    ("instanceMetadataTags", "enabled"))),
                ("blockDeviceMappings", List(Obj(
                    ("deviceName", "/dev/xvda"),
                    ("ebs", Obj(
                        ("volumeSize", gpu ? 100 : 30),
                        ("volumeType", "gp3"),
                        ("encrypted", "true"),
                        ("deleteOnTermination", "true")))))),
                ("instanceInitiatedShutdownBehavior", "terminate"),
                ("userData", Text.Base64(UserData.Script(workload, hasSecrets, ecr, workerImage))),
                ("updateDefaultVersion", true),
                ("tagSpecifications", List(Obj(("resourceType", "volume"), ("tags", Tags)))),
                ("tags", Tags));
        }

        private PropertyMap Group(string lt, string? queue, string? secrets, string? tg)
        {
            var (min, max) = workload switch
            {
                FunctionWorkload f => (f.SpareWorkers, f.MaxWorkersLimit),
                JobWorkload j => (0, j.MaxConcurrency),
                ServiceWorkload s => (s.MinReplicas, s.MaxReplicas),
                ScheduledTaskWorkload => (0, 1),
                _ => (1, 1),
            };
            // The group pins the template's latest version, so a new machine shape shows in the preview as the group
            // moving to a new version, never as a new group. New instances use it; a Service's replicas also roll
            // to it through the instance refresh below, while queue workers and daemons turn over on their own.
            var version = PropertyValue.Concat(Ref(lt, "latestVersion"));
            var launchTemplate = Obj(("id", Ref(lt, "id")), ("version", version));
            // One entry per key (AWS rejects duplicates): the workload's own tags may rename instances; Multinode's win.
            var tags = new PropertyMap(
                new[] { KeyValuePair.Create("Name", (PropertyValue)_n) }
                    .Concat(((ObjectValue)Tags).Map)
                    .Concat(new (string Key, string? Child, string Property)[]
                        {
                            (UserData.QueueUrlTag, queue, "url"),
                            (UserData.SecretsTag, secrets, "name"),
                        }
                        .Where(t => t.Child is not null)
                        .Select(t => KeyValuePair.Create(t.Key, Ref(t.Child!, t.Property)))));
            return new PropertyMap(
                ("minSize", min),
                ("maxSize", max),
                ("vpcZoneIdentifiers", aws.SubnetIds),
                ("launchTemplate", choice.Types.Count == 1 ? launchTemplate : null),
                ("mixedInstancesPolicy", choice.Types.Count > 1
                    ? Obj(("launchTemplate", Obj(
                        ("launchTemplateSpecification", Obj(("launchTemplateId", Ref(lt, "id")), ("version", version))),
                        ("overrides", PropertyValue.From(choice.Types.Select(t => Obj(("instanceType", t.Name))))))))
                    : null),
                ("targetGroupArns", tg is not null ? List(Ref(tg, "arn")) : null),
                ("healthCheckType", tg is not null ? "ELB" : "EC2"),
                ("healthCheckGracePeriod", 300),
                // Job instances never die by scale-in: each ends itself after its one execution.
                ("protectFromScaleIn", workload.Kind == WorkloadKind.Job),
                // A Daemon's replacement terminates the old instance before launching the new one, and AZ rebalancing
                // (which launches first) is off, so two never run at once.
                ("instanceMaintenancePolicy", workload.Kind == WorkloadKind.Daemon
                    ? Obj(("minHealthyPercentage", 0), ("maxHealthyPercentage", 100))
                    : null),
                // Rebalancing launches before it terminates: a second daemon or scheduled run, or an extra job worker.
                ("suspendedProcesses", workload.Kind is WorkloadKind.Daemon or WorkloadKind.ScheduledTask or WorkloadKind.Job
                    ? PropertyValue.Strings(["AZRebalance"])
                    : null),
                ("instanceRefresh", workload.Kind == WorkloadKind.Service
                    ? Obj(("strategy", "Rolling"), ("preferences", Obj(("minHealthyPercentage", 90))))
                    : null),
                ("metricsGranularity", "1Minute"),
                ("enabledMetrics", PropertyValue.Strings(["GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances"])),
                ("tags", PropertyValue.From(tags.Select(t => GroupTag(t.Key, t.Value)))));
        }

        private static PropertyValue GroupTag(string key, PropertyValue value) =>
            Obj(("key", key), ("value", value), ("propagateAtLaunch", true));

        /// <summary>Only what this workload's instances do, on this workload's own resources.</summary>
        private void RolePolicy(string role, string asg, string? queue, string? secrets, IReadOnlyList<EcrImage> ecr)
        {
            var statements = new List<PropertyValue>();
            PropertyValue Statement(string sid, IEnumerable<string> actions, PropertyValue resource) =>
                Obj(("Sid", sid), ("Effect", "Allow"), ("Action", PropertyValue.Strings(actions)), ("Resource", resource));
            if (queue is not null)
            {
                // The worker sidecar: receive, extend while working, delete when done; the queue's counts for the
                // per-worker cooldown.
                statements.Add(Statement("ConsumeOwnQueue",
                    ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Ref(queue, "arn")));
                // Replies go to the caller's queue (a message's replyTo), which only a naming convention can scope
                // (docs/aws.md): queues named multinode-replies-*, in any region and account whose queue policy allows it.
                statements.Add(Statement("SendReplies", ["sqs:SendMessage"], ReplyQueues));
            }
            switch (workload.Kind)
            {
                case WorkloadKind.Function:
                    // Protected while busy, the drain hook honoured, the per-worker cooldown's self-termination.
                    statements.Add(Statement("OwnGroupLifecycle",
                        ["autoscaling:SetInstanceProtection", "autoscaling:CompleteLifecycleAction",
                         "autoscaling:RecordLifecycleActionHeartbeat", "autoscaling:TerminateInstanceInAutoScalingGroup"], Ref(asg, "arn")));
                    // Describe* has no resource-level permissions: AWS requires "*" (docs/aws.md). Read-only; the worker
                    // reads its own group's in-service count.
                    statements.Add(Statement("ReadGroupSize", ["autoscaling:DescribeAutoScalingGroups"], "*"));
                    break;
                case WorkloadKind.Job or WorkloadKind.ScheduledTask:
                    statements.Add(Statement("EndOwnInstance", ["autoscaling:TerminateInstanceInAutoScalingGroup"], Ref(asg, "arn")));
                    break;
            }
            if (secrets is not null)
                statements.Add(Statement("ReadOwnSecrets", ["ssm:GetParameter"], Ref(secrets, "arn")));
            if (ecr.Count > 0)
            {
                // ecr:GetAuthorizationToken has no resource-level permissions: AWS requires "*" (docs/aws.md).
                statements.Add(Statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"));
                statements.Add(Statement("PullOwnImage", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    ecr.Count == 1 ? ecr[0].RepositoryArn : List([.. ecr.Select(e => e.RepositoryArn).Distinct()])));
            }
            if (statements.Count == 0) return;
            Add(AwsTypes.RolePolicy, "policy", new PropertyMap(
                ("role", Ref(role, "name")),
                ("policy", Obj(("Version", "2012-10-17"), ("Statement", PropertyValue.From(statements))))));
        }

        private void QueuePolicies(string asg, string queue, QueueScaling scaling)
        {
            var group = Ref(asg, "name");
            var queueName = Ref(queue, "name");
            PropertyValue TrackedMetric(string id, string ns, string metric, string dimension, PropertyValue value, string stat) => Obj(
                ("id", id),
                ("metricStat", Obj(
                    ("metric", Obj(("namespace", ns), ("metricName", metric), ("dimensions", List(Obj(("name", dimension), ("value", value)))))),
                    ("stat", stat))),
                ("returnData", false));
            Add(AwsTypes.Policy, "track", new PropertyMap(
                ("autoscalingGroupName", group),
                ("policyType", "TargetTrackingScaling"),
                ("targetTrackingConfiguration", Obj(
                    ("customizedMetricSpecification", Obj(("metrics", List(
                        TrackedMetric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName, "Maximum"),
                        TrackedMetric("inflight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queueName, "Maximum"),
                        TrackedMetric("workers", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group, "Average"),
                        Obj(("id", "load"), ("label", "(in-flight + spare) per in-service instance"),
                            ("expression", scaling.TrackingExpression), ("returnData", true)))))),
                    ("targetValue", 1),
                    // Scale-in is the cooldown-aware step policy's (Function) or the workers' own (Job).
                    ("disableScaleIn", true)))));

            var start = Add(AwsTypes.Policy, "start", new PropertyMap(
                ("autoscalingGroupName", group),
                ("policyType", "StepScaling"),
                ("adjustmentType", "ExactCapacity"),
                ("metricAggregationType", "Maximum"),
                ("stepAdjustments", QueueScaling.StepsValue(scaling.StartSteps))));
            Alarm("start-alarm", queueName, group, QueueScaling.StartExpression, "in-flight messages while no instance is in service",
                periods: 1, period: 60, Ref(start, "arn"));

            if (scaling.CooldownSeconds is null) return;
            var scaleIn = Add(AwsTypes.Policy, "scale-in", new PropertyMap(
                ("autoscalingGroupName", group),
                ("policyType", "StepScaling"),
                ("adjustmentType", "ChangeInCapacity"),
                ("metricAggregationType", "Minimum"),
                ("stepAdjustments", QueueScaling.StepsValue(scaling.ScaleInSteps))));
            // A safety net only: each worker ends its own instance after cooldownPeriod of its own idleness.
            Alarm("scale-in-alarm", queueName, group, scaling.ScaleInExpression, "in-service instances beyond in-flight + spare (safety net)",
                scaling.ScaleInEvaluationPeriods, scaling.Period, Ref(scaleIn, "arn"));
        }

        private void Alarm(string suffix, PropertyValue queueName, PropertyValue group, string expression, string label,
            int periods, int period, PropertyValue action)
        {
            PropertyValue Metric(string id, string ns, string metric, string dimension, PropertyValue value, string stat) => Obj(
                ("id", id),
                ("metric", Obj(("namespace", ns), ("metricName", metric), ("period", period), ("stat", stat),
                    ("dimensions", Obj((dimension, value))))),
                ("returnData", false));
            Add(AwsTypes.MetricAlarm, suffix, new PropertyMap(
                ("alarmDescription", $"Multinode {Kind} \"{_n}\": {label}"),
                ("comparisonOperator", "GreaterThanOrEqualToThreshold"),
                ("threshold", 1),
                ("evaluationPeriods", periods),
                ("datapointsToAlarm", periods),
                ("treatMissingData", "notBreaching"),
                ("metricQueries", List(
                    Metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName, "Maximum"),
                    Metric("inflight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queueName, "Maximum"),
                    Metric("workers", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group, "Average"),
                    Obj(("id", "signal"), ("label", label), ("expression", expression), ("returnData", true)))),
                ("alarmActions", List(action)),
                ("tags", Tags)));
        }

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
            if (workload is ServiceWorkload service)
            {
                facts.Add(new("listener", service.CertificateArn is null
                    ? $"plain HTTP on :{ListenerPort} (no certificateArn: traffic is not encrypted)"
                    : $"HTTPS on :{HttpsPort} ({TlsPolicy}); HTTP :{ListenerPort} redirects to HTTPS"));
                cost += LoadBalancerPricePerHour;
                facts.Add(new("load balancer per hour", $"{Numbers.Dollars(LoadBalancerPricePerHour)} (included; LCU charges are not)"));
            }
            // Trailing zeros of a product (30 × 0.526 = 15.780) would otherwise show in printed plans.
            return summary with { Facts = facts, MaxHourlyCost = cost / 1.0000000000000000000000000000m, WorkerHourlyCost = price };
        }
    }
}
