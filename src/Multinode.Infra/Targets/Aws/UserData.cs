using Multinode.Contracts;
using System.Globalization;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Aws;

/// <summary>
/// The boot script of every instance: it reads what it needs from the instance metadata service (IMDSv2, including
/// the group's propagated <c>multinode:*</c> tags, which carry the queue URLs and the secrets parameter name), fetches
/// secret env values from SSM, and runs the workload's container with Docker. A queue workload also runs the worker
/// sidecar (<see cref="WorkerSidecar"/>); both share the host network, so the worker reaches the user's server at
/// 127.0.0.1:port whatever address the server binds, as in a Kubernetes pod (docs/aws.md says what this costs).
/// Kinds that run once (<see cref="AwsShape.RunsOnce"/>) end their own instance afterwards, lowering the group's
/// desired capacity so that it is not replaced.
/// </summary>
internal static class UserData
{
    public const string QueueUrlTag = "multinode:queue-url";
    public const string SecretsTag = "multinode:secrets-parameter";
    public const string EnvFile = "/etc/multinode/env";

    /// <summary>Docker name of the user's container.</summary>
    public const string AppContainer = "app";

    /// <summary>How many times a message may be received before SQS moves it to the dead-letter queue.</summary>
    public const int MaxReceives = 5;

    /// <summary>Name of a warm pool's drain lifecycle hook, which the worker completes. Hook names are unique per group
    /// only, so a name from the workload's alone cannot collide, and the boot script can carry it as a literal.</summary>
    public static string DrainHook(Workload workload) => $"{workload.Name}-drain";

    /// <summary>The script as plain text (unknown or secret when a part is); the launch template wants it base64.</summary>
    public static PropertyValue Script(Workload workload, AwsShape shape, bool hasSecrets, IReadOnlyList<EcrImage> ecr, string workerImage)
    {
        var c = workload.Container;
        var once = shape.RunsOnce;
        var port = WorkerSidecar.Port(workload);
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
        // The user's image first: where both pull from one registry, a secret image keeps the registry secret.
        foreach (var image in ecr.OrderByDescending(e => e.Secret).DistinctBy(e => (e.Account, e.Region)))
            lines.AddRange([$"aws ecr get-login-password --region {image.Region} | docker login --username AWS --password-stdin ", image.Registry, "\n"]);

        var run = new List<PropertyValue>
        {
            once ? $"docker run -d --name {AppContainer}" : $"docker run -d --restart always --name {AppContainer}",
        };
        // The worker gets what it asked for and no more; the instance keeps its reserve for the OS (NodeReserve).
        var memory = workload.Resources.Memory.Bytes.ToString(CultureInfo.InvariantCulture);
        run.Add($" --cpus {Numbers.Exact(workload.Resources.Cpu)} --memory {memory}b --memory-swap {memory}b");
        if (workload.Resources.Gpu is not null) run.Add(" --gpus all");
        if (shape.LoadBalancer is { Port: var published }) run.Add($" -p {published}:{published}");
        if (port is not null) run.Add(" --network host");
        run.Add($" --env-file {EnvFile}");
        run.Add($" -e {WorkerEnv.Kind}={KindNames.Lower(workload)} -e {WorkerEnv.Workload}={workload.Name}");
        run.Add(string.Concat(InstanceEnv.Select(e => $" -e {e}")) + $" -e {RegionEnv}");
        run.Add($" -e {WorkerEnv.TimeoutSeconds}={c.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)}");
        if (port is { } listen) run.Add($" -e {WorkerEnv.Port}={listen.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (key, value) in c.Env)
        {
            if (value.ContainsSecret) continue;
            run.Add(" -e ");
            run.Add(Text.Map(value, v => Text.ShellQuote($"{key}={v}")));
        }
        if (c.PlainWholeEnv is { } plain)
        {
            // Known in update, where each entry is one -e as above; in preview the flags are unknown.
            run.Add(" ");
            run.Add(PropertyValue.UnknownFrom("env-flags", plain));
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

        if (port is not null)
        {
            lines.Add("# The worker sidecar takes the queue's messages and posts each to the container's POST /invoke; the\n");
            lines.Add("# secrets and env of the workload are not passed to it.\n");
            lines.Add($"QUEUE_URL=$(imds tags/instance/{QueueUrlTag})\n");
            lines.Add(WorkerRun(workload, shape, workerImage));
        }

        if (once)
        {
            var (waitFor, limit) = port is null
                ? (AppContainer, c.TimeoutSeconds)
                : (WorkerSidecar.ContainerName, WorkerSidecar.JobRunLimitSeconds(workload));
            lines.Add(port is null
                ? $"# One run, at most {limit} s; then this instance ends itself and lowers the desired capacity.\n"
                : $"# One execution, at most {limit} s. The worker ends this instance itself (keeping the desired capacity\n" +
                  "# while executions wait, docs/worker.md); this call only ends it when the worker could not, and\n" +
                  "# fails harmlessly when the instance is already terminating.\n");
            lines.Add($"timeout {limit.ToString(CultureInfo.InvariantCulture)}s docker wait {waitFor} || docker kill {waitFor}\n");
            lines.Add("aws autoscaling terminate-instance-in-auto-scaling-group --region \"$REGION\" --instance-id \"$INSTANCE_ID\"" +
                " --should-decrement-desired-capacity" + (port is null ? "\n" : " || true\n"));
        }
        return PropertyValue.Concat(lines);
    }

    /// <summary>The worker's <c>docker run</c>: host network (the user's server on loopback, IMDS at hop 1 for the
    /// instance role), the shared environment, then the AWS-only variables. Every value is a name,
    /// a number or a shell variable, so none needs quoting.</summary>
    private static string WorkerRun(Workload workload, AwsShape shape, string workerImage)
    {
        var env = WorkerSidecar.Env(workload, WorkerPlatforms.Aws, shape.WorkerEnv)
            .Select(e => $"{e.Name}={e.Value}").ToList();
        env.AddRange([$"{WorkerEnv.QueueKind}={QueueKinds.AwsSqs}", $"{WorkerEnv.Queue}=\"$QUEUE_URL\"", RegionEnv,
            .. InstanceEnv]);
        if (shape.DrainHook is { } hook) env.Add($"{WorkerEnv.LifecycleHook}={hook}");
        var restart = shape.RunsOnce ? "" : " --restart always";
        return $"docker run -d{restart} --name {WorkerSidecar.ContainerName} --network host" +
               string.Concat(env.Select(e => $" -e {e}")) + $" {Text.ShellQuote(workerImage)}\n";
    }

    /// <summary>The instance's id and group, which the script reads from IMDS, as both containers get them.</summary>
    private static readonly string[] InstanceEnv =
        [$"{WorkerEnv.InstanceId}=\"$INSTANCE_ID\"", $"{WorkerEnv.Group}=\"$GROUP\""];

    /// <summary>The instance's region (from IMDS), as both containers get it.</summary>
    private const string RegionEnv = $"{WorkerEnv.Region}=\"$REGION\"";

    /// <summary>The lines of the secrets parameter: <c>KEY=value</c> per secret env value, Docker's env-file format;
    /// an env that is secret or unknown as a whole goes there entirely.</summary>
    public static PropertyValue? SecretEnvFile(Container container)
    {
        if (container.WholeEnv is SecretValue whole)
            return PropertyValue.Secret(whole is SecretValue { Value: ObjectValue o } ? Lines(o.Map) : PropertyValue.UnknownFrom("env-file", whole));
        var secrets = container.Env.Where(e => e.Value.ContainsSecret).ToList();
        return secrets.Count == 0 ? null : Lines(secrets);
    }

    private static PropertyValue Lines(IEnumerable<KeyValuePair<string, PropertyValue>> env) =>
        PropertyValue.Concat(env.SelectMany(e => new[] { (PropertyValue)$"{e.Key}=", e.Value, "\n" }));

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
        SecretValue => [PropertyValue.Secret(PropertyValue.UnknownFrom("shell words", list))],
        _ => [PropertyValue.UnknownFrom("shell words", list)],
    };
}

/// <summary>An image in an ECR registry, whose pull the instance role must be allowed.</summary>
/// <remarks>Values derived from a secret image (the registry, the repository ARN) are secret too.</remarks>
internal sealed partial record EcrImage(string Account, string Region, string Repository, bool Secret)
{
    [System.Text.RegularExpressions.GeneratedRegex(
        @"^(?<account>[0-9]{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com/(?<repo>[a-z0-9][a-z0-9._/-]*?)(:[^/@]+)?(@sha256:[0-9a-f]+)?$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();

    public PropertyValue Registry => Derived($"{Account}.dkr.ecr.{Region}.amazonaws.com");

    public PropertyValue RepositoryArn => Derived($"arn:aws:ecr:{Region}:{Account}:repository/{Repository}");

    private PropertyValue Derived(string text) => Secret ? PropertyValue.Secret(text) : text;

    /// <summary>Images to pull from ECR, whose pull the role must allow: the workload's and, beside a queue, the worker's.</summary>
    public static IReadOnlyList<EcrImage> Pulled(Workload workload, string workerImage) =>
        [.. new[] { From(workload.Container.Image), WorkerSidecar.Port(workload) is null ? null : From(workerImage) }.OfType<EcrImage>().Distinct()];

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
        return match.Success
            ? new EcrImage(match.Groups["account"].Value, match.Groups["region"].Value, match.Groups["repo"].Value, image is SecretValue)
            : null;
    }
}
