using System.Globalization;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The boot script of every instance: it reads what it needs from the instance metadata service (IMDSv2, including
/// the group's propagated <c>multinode:*</c> tags, which carry the queue URLs and the secrets parameter name), fetches
/// secret env values from SSM, and runs the workload's container with Docker. Kinds that run once (Job, ScheduledTask)
/// end their own instance afterwards, lowering the group's desired capacity so that it is not replaced.
/// </summary>
internal static class UserData
{
    public const string QueueUrlTag = "multinode:queue-url";
    public const string SecretsTag = "multinode:secrets-parameter";
    public const string EnvFile = "/etc/multinode/env";

    /// <summary>How many times a message may be received before SQS moves it to the dead-letter queue.</summary>
    public const int MaxReceives = 5;

    /// <summary>Seconds a Job's worker may wait for its message before it gives up and ends its instance.</summary>
    public const int JobMessageWaitSeconds = 120;

    /// <summary>The script as plain text (unknown or secret when a part is); the launch template wants it base64.</summary>
    public static PropertyValue Script(Workload workload, bool hasSecrets, EcrImage? ecr)
    {
        var c = workload.Container;
        var once = workload.Kind is WorkloadKind.Job or WorkloadKind.ScheduledTask;
        var queue = workload.Kind is WorkloadKind.Function or WorkloadKind.Job;
        var lines = new List<PropertyValue>
        {
            "#!/bin/bash\n",
            $"# {workload.Label}: runs the workload's container on this instance (planned by Multinode.Infra).\n",
            "set -uo pipefail\n",
            "# The ECS-optimized AMI brings Docker and the NVIDIA runtime; its ECS agent is not used.\n",
            "systemctl disable --now ecs.service >/dev/null 2>&1 || true\n",
            "token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' http://169.254.169.254/latest/api/token)\n",
            "imds() { curl -sf -H \"X-aws-ec2-metadata-token: $token\" \"http://169.254.169.254/latest/meta-data/$1\"; }\n",
            "INSTANCE_ID=$(imds instance-id)\n",
            "REGION=$(imds placement/region)\n",
            "GROUP=$(imds tags/instance/aws:autoscaling:groupName)\n",
            "command -v aws >/dev/null || dnf install -y -q awscli-2\n",
            "umask 077\n",
            "install -d /etc/multinode\n",
            $": > {EnvFile}\n",
        };
        if (hasSecrets)
        {
            lines.Add("# Secret env values live in an SSM SecureString parameter only this instance role may read.\n");
            lines.Add($"aws ssm get-parameter --region \"$REGION\" --with-decryption --name \"$(imds tags/instance/{SecretsTag})\" " +
                      $"--query Parameter.Value --output text > {EnvFile}\n");
        }
        if (ecr is not null)
            lines.Add($"aws ecr get-login-password --region {ecr.Region} | docker login --username AWS --password-stdin {ecr.Registry}\n");
        if (queue)
        {
            lines.Add($"QUEUE_URL=$(imds tags/instance/{QueueUrlTag})\n");
        }

        var run = new List<PropertyValue>
        {
            once ? "docker run -d --name worker" : "docker run -d --restart always --name worker",
        };
        // The worker gets what it asked for and no more; the instance keeps its reserve for the OS (NodeReserve).
        var memory = workload.Resources.Memory.Bytes.ToString(CultureInfo.InvariantCulture);
        run.Add($" --cpus {workload.Resources.Cpu.ToString("R", CultureInfo.InvariantCulture)} --memory {memory}b --memory-swap {memory}b");
        if (workload.Resources.Gpu is not null) run.Add(" --gpus all");
        if (workload is ServiceWorkload service) run.Add($" -p {service.Port}:{service.Port}");
        run.Add($" --env-file {EnvFile}");
        run.Add($" -e MULTINODE_KIND={workload.Kind.ToString().ToLowerInvariant()} -e MULTINODE_WORKLOAD={workload.Name}");
        run.Add(" -e MULTINODE_INSTANCE_ID=\"$INSTANCE_ID\" -e MULTINODE_GROUP=\"$GROUP\" -e AWS_REGION=\"$REGION\"");
        run.Add($" -e MULTINODE_TIMEOUT_SECONDS={c.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
        if (queue)
            run.Add(" -e MULTINODE_QUEUE_URL=\"$QUEUE_URL\"");
        if (workload.Kind == WorkloadKind.Job) run.Add($" -e MULTINODE_EXECUTIONS=1 -e MULTINODE_MESSAGE_WAIT_SECONDS={JobMessageWaitSeconds}");
        foreach (var (key, value) in c.Env)
        {
            if (value.ContainsSecret) continue;
            run.Add(" -e ");
            run.Add(Text.Map(value, v => Text.ShellQuote($"{key}={v}")));
        }
        var (entrypoint, rest) = SplitCommand(c.Command);
        if (entrypoint is not null)
        {
            run.Add(" --entrypoint ");
            run.Add(entrypoint);
        }
        run.Add(" ");
        run.Add(Text.Map(c.Image, Text.ShellQuote));
        foreach (var part in rest.Concat(Items(c.Args)))
        {
            run.Add(" ");
            run.Add(part);
        }
        run.Add("\n");
        lines.AddRange(run);

        if (once)
        {
            var limit = c.TimeoutSeconds + (workload.Kind == WorkloadKind.Job ? JobMessageWaitSeconds : 0);
            lines.Add($"# One run, at most {limit} s; then this instance ends itself and lowers the desired capacity.\n");
            lines.Add($"timeout {limit.ToString(CultureInfo.InvariantCulture)}s docker wait worker || docker kill worker\n");
            lines.Add("aws autoscaling terminate-instance-in-auto-scaling-group --region \"$REGION\" --instance-id \"$INSTANCE_ID\" --should-decrement-desired-capacity\n");
        }
        return PropertyValue.Concat(lines);
    }

    /// <summary>The lines of the secrets parameter: <c>KEY=value</c> per secret env value, Docker's env-file format.</summary>
    public static PropertyValue? SecretEnvFile(Container container)
    {
        var secrets = container.Env.Where(e => e.Value.ContainsSecret).ToList();
        if (secrets.Count == 0) return null;
        return PropertyValue.Concat(secrets.SelectMany(e => new[] { (PropertyValue)$"{e.Key}=", e.Value, "\n" }));
    }

    /// <summary>Docker takes the first word of a command as --entrypoint and the rest after the image.</summary>
    private static (PropertyValue? Entrypoint, IReadOnlyList<PropertyValue> Tail) SplitCommand(PropertyValue? command)
    {
        var items = Items(command);
        return items.Count == 0 ? (null, []) : (items[0], items.Skip(1).ToList());
    }

    /// <summary>Shell-quoted words of a string list; a list unknown as a whole is one unknown word.</summary>
    private static IReadOnlyList<PropertyValue> Items(PropertyValue? list) => list switch
    {
        null or NullValue => [],
        ArrayValue a => [.. a.Items.Select(i => Text.Map(i, Text.ShellQuote))],
        SecretValue { Value: ArrayValue a } => [.. a.Items.Select(i => PropertyValue.Secret(Text.Map(i, Text.ShellQuote)))],
        SecretValue => [PropertyValue.Secret(PropertyValue.Unknown)],
        _ => [PropertyValue.Unknown],
    };
}

/// <summary>An image in an ECR registry, whose pull the instance role must be allowed.</summary>
internal sealed partial record EcrImage(string Account, string Region, string Repository)
{
    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?<account>[0-9]{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com/(?<repo>[a-z0-9][a-z0-9._/-]*?)(:[^/@]+)?(@sha256:[0-9a-f]+)?$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();

    public string Registry => $"{Account}.dkr.ecr.{Region}.amazonaws.com";

    public string RepositoryArn => $"arn:aws:ecr:{Region}:{Account}:repository/{Repository}";

    /// <summary>Recognises "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:tag"; null for other or unknown images.</summary>
    public static EcrImage? From(PropertyValue image)
    {
        var text = image switch
        {
            StringValue s => s.Value,
            SecretValue { Value: StringValue s } => s.Value,
            _ => null,
        };
        if (text is null) return null;
        var match = Pattern().Match(text);
        return match.Success ? new EcrImage(match.Groups["account"].Value, match.Groups["region"].Value, match.Groups["repo"].Value) : null;
    }
}
