using System.Text;
using System.Text.RegularExpressions;
using Multinode.Contracts;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Worker.Tests.Contract;

/// <summary>Plans workloads with the core and takes the worker's environment out of what the plan deploys: the
/// <c>docker run</c> of the worker in the AWS boot script (launch template user data) and the worker container's env
/// in the Kubernetes pod spec, with the values the platform fills in at run time.</summary>
public static partial class PlannedWorkers
{
    /// <summary>A target and the config that selects it; <paramref name="Limits"/> are the inputs whose largest value
    /// the target allows is below the kind's.</summary>
    public sealed record Target(string Name, PropertyMap Config, PropertyMap? Limits = null)
    {
        public override string ToString() => Name;
    }

    /// <summary>A Function's cooldownPeriod is the HPA's behavior.scaleDown.stabilizationWindowSeconds, which
    /// Kubernetes validates to 0..3600 s (autoscaling/v2 HorizontalPodAutoscalerBehavior).</summary>
    private static readonly PropertyMap KubernetesLimits = new(("cooldownPeriod", 3600));

    public static readonly Target Aws = new("aws", Config("""
        { "target": "aws", "aws": { "vpcId": "vpc-0123456789abcdef0",
          "subnetIds": ["subnet-0000000000000000a", "subnet-0000000000000000b"] } }
        """));

    public static Target KubernetesRedis(string address = "redis:6379", bool password = true) => new(
        $"kubernetes-redis{(password ? "-password" : "")}", Config($$"""
        { "target": "kubernetes", "kubernetes": { "namespace": "demo", "queue": { "kind": "redis",
          "address": "{{address}}" {{(password ? """, "passwordSecret": { "name": "redis" }""" : "")}} } } }
        """), KubernetesLimits);

    public static readonly Target KubernetesSqs = new("kubernetes-aws-sqs", Config("""
        { "target": "kubernetes", "kubernetes": { "queue": { "kind": "aws-sqs", "region": "eu-west-1",
          "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/keda" } } }
        """), KubernetesLimits);


    public static IReadOnlyList<Target> Targets => [Aws, KubernetesRedis(), KubernetesSqs];

    /// <summary>The product's kinds and the queue kind defined only in the tests (<see cref="InboxKind"/>): a new kind
    /// that runs the worker meets the same contract with no change to the worker.</summary>
    public static KindRegistry Kinds => InboxKind.Kinds;

    /// <summary>The kinds whose workloads run the worker.</summary>
    public static IEnumerable<WorkloadKind> WorkerKinds => Kinds.All.Where(k => k.Has<IQueueWorkload>());

    /// <summary>The kind's top-level whole-number inputs all at their minimum, or all at their maximum (the other
    /// inputs at their defaults).</summary>
    public static PropertyMap AtLimits(WorkloadKind kind, Target target, bool max)
    {
        var map = new PropertyMap(("image", "ghcr.io/example/app:1.0"));
        var bounded = kind.Inputs.Where(i => i.Type == InputType.Integer && i.Min is not null && i.Max is not null);
        foreach (var input in bounded)
        {
            var limit = max ? target.Limits?.Get(input.Name) ?? input.Max!.Value : input.Min!.Value;
            map = map.With(input.Name, limit);
        }
        return map;
    }

    /// <summary>Plans one workload of <paramref name="kind"/> named <paramref name="name"/> and returns its worker's
    /// environment as the worker sees it at run time.</summary>
    public static Dictionary<string, string?> WorkerEnv(WorkloadKind kind, PropertyMap properties, Target target,
        string name = "w")
    {
        var program = new ProgramDeclaration([new ResourceDeclaration(name, kind.Token, properties)], target.Config);
        var result = Planner.Plan(program, Kinds);
        Assert.True(result.IsValid, $"{kind} on {target}: {string.Join("\n", result.Failures)}");
        var resources = Assert.Single(result.Value!.Workloads).Resources;
        var launch = resources.Select(r => r.Inputs.Get("userData")).OfType<StringValue>().ToList();
        return launch.Count > 0
            ? FromBootScript(Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(launch).Value)))
            : FromPodSpec(resources.Select(r => Find(new ObjectValue(r.Inputs))).Single(c => c is not null)!);
    }

    /// <summary>What the boot script's shell variables hold on an instance (it reads them from IMDS and the group's
    /// tags).</summary>
    private static readonly Dictionary<string, string> Instance = new(StringComparer.Ordinal)
    {
        ["$QUEUE_URL"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/w",
        ["$REGION"] = "eu-west-1",
        ["$INSTANCE_ID"] = "i-0123456789abcdef0",
        ["$GROUP"] = "w-asg",
    };

    /// <summary>The <c>-e NAME=VALUE</c> flags of the worker's <c>docker run</c>.</summary>
    public static Dictionary<string, string?> FromBootScript(string script)
    {
        var run = Assert.Single(script.Split('\n'), l => l.StartsWith("docker run", StringComparison.Ordinal)
            && l.Contains($"--name {WorkerSettings.ContainerName} ", StringComparison.Ordinal));
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (Match m in EnvFlag().Matches(run))
        {
            var value = m.Groups["value"].Value;
            if (value.StartsWith('"')) value = Instance[value.Trim('"')];
            Assert.DoesNotContain("$", value, StringComparison.Ordinal);
            env[m.Groups["name"].Value] = value;
        }
        return env;
    }

    [GeneratedRegex("""(?:^| )-e (?<name>[A-Z_][A-Z0-9_]*)=(?<value>"\$[A-Z_]+"|[^ "'$]+)""")]
    private static partial Regex EnvFlag();

    /// <summary>The worker container's env, with the downward API and Secret references resolved as the kubelet
    /// does, and the API server's address that Kubernetes sets in every container.</summary>
    public static Dictionary<string, string?> FromPodSpec(ObjectValue container)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "443",
        };
        foreach (var item in ((ArrayValue)container.Map["env"]).Items.Cast<ObjectValue>())
        {
            var name = ((StringValue)item.Map["name"]).Value;
            env[name] = item.Map.Get("value") switch
            {
                StringValue s => s.Value,
                _ => ((ObjectValue)item.Map["valueFrom"]).Map switch
                {
                    var from when from.Get("fieldRef") is ObjectValue field =>
                        ((StringValue)field.Map["fieldPath"]).Value == "metadata.name" ? "w-6d4f-x2x9z" : "demo",
                    var from when from.ContainsKey("secretKeyRef") => "secret-from-the-cluster",
                    var from => throw new InvalidOperationException($"{name}: unexpected valueFrom {from}"),
                },
            };
        }
        return env;
    }

    /// <summary>The worker container object anywhere in a resource's inputs.</summary>
    private static ObjectValue? Find(PropertyValue value) => value switch
    {
        ObjectValue o when o.Map.Get("name") is StringValue { Value: WorkerSettings.ContainerName }
            && o.Map.ContainsKey("env") => o,
        ObjectValue o => o.Map.Select(e => Find(e.Value)).FirstOrDefault(f => f is not null),
        ArrayValue a => a.Items.Select(Find).FirstOrDefault(f => f is not null),
        _ => null,
    };

    private static PropertyMap Config(string json) =>
        ((ObjectValue)FromJson(System.Text.Json.JsonDocument.Parse(json).RootElement)).Map;

    private static PropertyValue FromJson(System.Text.Json.JsonElement e) => e.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object =>
            new PropertyMap([.. e.EnumerateObject()
                .Select(p => new KeyValuePair<string, PropertyValue>(p.Name, FromJson(p.Value)))]),
        System.Text.Json.JsonValueKind.Array => new ArrayValue([.. e.EnumerateArray().Select(FromJson)]),
        System.Text.Json.JsonValueKind.Number => e.GetDouble(),
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        _ => e.GetString()!,
    };
}
