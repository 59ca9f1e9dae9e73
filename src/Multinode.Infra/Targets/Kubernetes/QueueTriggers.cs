using Multinode.Contracts;
using Env = Multinode.Contracts.WorkerEnv;
using k8s.Models;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Targets.Kubernetes;

/// <summary>
/// The queue a function or job reads, as KEDA sees it. Each trigger measures part of the in-flight work, and the
/// sum of the triggers is the whole of it:
/// <list type="bullet">
/// <item>Redis: workers move an item from the list to its ":processing" list while they work on it (LMOVE) and
/// remove it when done, so in-flight = length(list) + length(list:processing): two triggers.</item>
/// <item>SQS: visible + not-visible messages, which KEDA's aws-sqs-queue trigger counts with scaleOnInFlight.</item>
/// </list>
/// </summary>
internal sealed record QueueTriggers(
    string Queue,
    IReadOnlyList<ScaleTrigger> Triggers,
    IReadOnlyList<V1EnvVar> WorkerEnv,
    KedaObject<TriggerAuthenticationSpec>? Authentication,
    string Description)
{
    /// <summary>Logical name of the TriggerAuthentication child, when there is one.</summary>
    public static string AuthenticationName(Workload workload) => $"{workload.Name}-queue-auth";

    /// <summary>The sum of every trigger's metric: the in-flight work.</summary>
    public string InFlight => string.Join(" + ", Triggers.Select(t => t.Name));

    public static QueueTriggers For(Workload workload, KubernetesConfig config, KubernetesBody body)
    {
        var authName = $"{workload.Name}-queue";
        var (queue, auth) = config.QueueKind switch
        {
            QueueKind.Redis => Redis(workload, config, authName),
            QueueKind.AwsSqs => Sqs(workload, config, authName),
            _ => throw new ArgumentOutOfRangeException(nameof(config)),
        };
        return auth is null ? queue : queue with
        {
            Authentication = new KedaObject<TriggerAuthenticationSpec> { Metadata = PodTemplates.Metadata(workload, config, body, authName), Spec = auth },
        };
    }

    /// <summary>Redis list name: namespaced so that two namespaces can share one Redis.</summary>
    public static string RedisList(Workload workload, KubernetesConfig config) => $"multinode:{config.Namespace}:{workload.Name}";

    public static string SqsQueueUrl(Workload workload, KubernetesConfig config) =>
        $"https://sqs.{config.QueueRegion}.amazonaws.com/{config.QueueAccountId}/{workload.Name}";

    private static (QueueTriggers, TriggerAuthenticationSpec?) Redis(Workload workload, KubernetesConfig config, string authName)
    {
        var list = RedisList(workload, config);
        var processing = QueueKinds.ProcessingList(list);
        var auth = config.QueuePassword is { } password
            ? new TriggerAuthenticationSpec
            {
                SecretTargetRef = [new SecretTargetRef { Parameter = "password", Name = password.Name, Key = password.Key }],
            }
            : null;
        ScaleTrigger Trigger(string name, string listName) => new()
        {
            Type = "redis",
            Name = name,
            Metadata = new(StringComparer.Ordinal)
            {
                ["address"] = config.QueueAddress!,
                ["listName"] = listName,
                // The composite metric (or the ScaledJob's sum) sets the target; each trigger counts items.
                ["listLength"] = "1",
            },
            AuthenticationRef = auth is null ? null : new AuthenticationRef { Name = authName },
        };
        var env = new List<V1EnvVar>
        {
            new() { Name = Env.QueueKind, Value = QueueKinds.Redis },
            new() { Name = Env.Queue, Value = list },
            new() { Name = Env.QueueProcessing, Value = processing },
            new() { Name = Env.RedisAddress, Value = config.QueueAddress },
        };
        if (config.QueuePassword is { } p)
            env.Add(new V1EnvVar
            {
                Name = Env.RedisPassword,
                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = p.Name, Key = p.Key } },
            });
        return (new QueueTriggers(list, [Trigger("pending", list), Trigger("processing", processing)], env, null,
            $"redis lists {list} + {processing} at {config.QueueAddress}"), auth);
    }

    private static (QueueTriggers, TriggerAuthenticationSpec?) Sqs(Workload workload, KubernetesConfig config, string authName)
    {
        var url = SqsQueueUrl(workload, config);
        var auth = new TriggerAuthenticationSpec
        {
            // roleArn and identityOwner are mutually exclusive in KEDA; without a role KEDA borrows the
            // workload's own (IRSA) identity from its service account.
            PodIdentity = config.QueueRoleArn is { } role
                ? new PodIdentity { Provider = "aws", RoleArn = role }
                : new PodIdentity { Provider = "aws", IdentityOwner = "workload" },
        };
        var trigger = new ScaleTrigger
        {
            Type = "aws-sqs-queue",
            Name = "messages",
            Metadata = new(StringComparer.Ordinal)
            {
                ["awsRegion"] = config.QueueRegion!,
                ["queueURL"] = url,
                ["queueLength"] = "1",
                // In-flight (not visible) messages are being worked on: they count, as DESIGN's "in-flight" does.
                ["scaleOnInFlight"] = "true",
            },
            AuthenticationRef = new AuthenticationRef { Name = authName },
        };
        var env = new List<V1EnvVar>
        {
            new() { Name = Env.QueueKind, Value = QueueKinds.AwsSqs },
            new() { Name = Env.Queue, Value = url },
            new() { Name = Env.Region, Value = config.QueueRegion },
        };
        return (new QueueTriggers(url, [trigger], env, null, $"aws-sqs-queue {url} (visible + in flight)"), auth);
    }
}
