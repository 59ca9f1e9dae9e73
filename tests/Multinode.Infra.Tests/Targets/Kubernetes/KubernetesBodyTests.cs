using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using k8s.Models;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using K8sJson = k8s.SourceGenerationContext;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

public sealed class KubernetesBodyTests
{
    [Fact]
    public void Inputs_HeldValues_ReturnWhereTheirObjectsAre()
    {
        var body = new KubernetesBody();
        var secret = PropertyValue.Secret("s3cr3t");
        var unknownList = PropertyValue.Unknown;
        var model = new k8s.Models.V1Container
        {
            Name = body.Text("plain"),
            Image = body.Text(PropertyValue.Unknown),
            Command = body.List(unknownList),
            Args = body.List(PropertyValue.From([PropertyValue.From("--a"), secret])),
        };
        var inputs = body.Inputs(model, k8s.SourceGenerationContext.Default.V1Container);
        Assert.Equal(new PropertyMap(
            ("args", PropertyValue.From([PropertyValue.From("--a"), secret])),
            ("command", PropertyValue.Unknown),
            ("image", PropertyValue.Unknown),
            ("name", "plain")), inputs);
    }

    [Fact]
    public void Text_KnownString_IsNotHeld()
    {
        var body = new KubernetesBody();
        Assert.Equal("ghcr.io/x:1", body.Text("ghcr.io/x:1"));
        Assert.Null(body.List(null));
    }

    [Fact]
    public void Inputs_HeldObjects_AreFoundByIdentityNotByText()
    {
        var body = new KubernetesBody();
        var unknown = body.Text(PropertyValue.Unknown);
        // The same text as a held string, but another object: planned as the text it is.
        var sameText = new string(unknown.AsSpan());
        var model = new k8s.Models.V1Container { Name = sameText, Image = unknown, Command = body.List(PropertyValue.Secret(PropertyValue.Strings(["/x"]))) };
        var inputs = body.Inputs(model, k8s.SourceGenerationContext.Default.V1Container);
        Assert.Equal(new PropertyMap(
            ("command", PropertyValue.Secret(PropertyValue.Strings(["/x"]))),
            ("image", PropertyValue.Unknown),
            ("name", sameText)), inputs);
    }

    [Fact]
    public void Inputs_Model_UsesKubernetesJsonConventions()
    {
        var body = new KubernetesBody();
        var inputs = body.Inputs(new k8s.Models.V1PodDisruptionBudgetSpec { MaxUnavailable = 1, MinAvailable = "50%" },
            k8s.SourceGenerationContext.Default.V1PodDisruptionBudgetSpec);
        // camelCase, nulls omitted, IntOrString as a number or a string.
        Assert.Equal(new PropertyMap(("maxUnavailable", 1), ("minAvailable", "50%")), inputs);
    }

    [Fact]
    public void Inputs_HeldValues_InKedaRecordAndItsEmbeddedModel_ReturnWhereTheirObjectsAre()
    {
        var body = new KubernetesBody();
        var secret = PropertyValue.Secret("amqp://user:pw@host");
        var scaler = new KedaObject<ScaledObjectSpec>
        {
            Metadata = new V1ObjectMeta { Name = "square", Labels = new Dictionary<string, string> { ["team"] = body.Text(PropertyValue.Unknown) } },
            Spec = new ScaledObjectSpec
            {
                ScaleTargetRef = new ScaleTargetRef { Name = "square" },
                Triggers = [new ScaleTrigger { Type = "rabbitmq", Metadata = new(StringComparer.Ordinal) { ["host"] = body.Text(secret), ["queueName"] = "q" } }],
            },
        };
        var inputs = PropertyValue.From(body.Inputs(scaler, Keda.Json<ScaledObjectSpec>()));
        Assert.Equal("""
            {"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"labels":{"team":{"unknown":true}},"name":"square"},"spec":{"scaleTargetRef":{"name":"square"},"triggers":[{"type":"rabbitmq","metadata":{"host":{"secret":true},"queueName":"q"}}]}}
            """, inputs.ToJson());
        Assert.True(inputs.ContainsSecret);
    }

    [Fact]
    public void Inputs_ObjectMetTwice_IsWrittenAtBothPlaces()
    {
        var body = new KubernetesBody();
        var amounts = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("1Gi") };
        var inputs = body.Inputs(new V1ResourceRequirements { Limits = amounts, Requests = amounts }, K8sJson.Default.V1ResourceRequirements);
        Assert.Equal("""{"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}}""", PropertyValue.From(inputs).ToJson());
    }

    // The walk writes what the serializer writes: every body without held values plans exactly as its JSON reads,
    // key order included, over models with the kinds of values bodies carry (lists with nulls, maps, numbers, booleans,
    // quantities, int-or-strings, bytes, KEDA records with embedded models).
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.OneOf("", "square", "ghcr.io/x:1", "a\"b\\c", "<&>'", "é€😀", "line\nbreak\u0001", "50%"),
        Gen.String[Gen.Char["abcXYZ019 -_./:\"\\é€\u0000\u001f\u007f"], 0, 12]);

    private static readonly Gen<string?> MaybeText = Gen.Frequency((1, Gen.Const((string?)null)), (3, Text.Select(t => (string?)t)));

    private static readonly Gen<Dictionary<string, string>?> Labels = Gen.Frequency(
        (1, Gen.Const((Dictionary<string, string>?)null)),
        (2, Gen.Select(Text, Text).Array[0, 4].Select(kv => (Dictionary<string, string>?)kv.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))));

    private static readonly Gen<ResourceQuantity> Quantity = Gen.OneOf("1", "500m", "0.5", "2", "1Gi", "1024Mi", "16G", "1e3", "100k").Select(q => new ResourceQuantity(q));

    private static readonly Gen<IntOrString> IntOrText = Gen.OneOf(Gen.Int[-5, 70000].Select(i => (IntOrString)i), Gen.OneOf("25%", "http", "8080").Select(t => (IntOrString)t));

    private static readonly Gen<V1Container> Container = Gen.Select(Text, MaybeText, MaybeText.Array[0, 3], Gen.Select(Text, MaybeText).Array[0, 3],
        Gen.Select(Gen.Int[1, 65535], IntOrText, Gen.Bool), Gen.Select(Quantity, Quantity, Gen.Bool), Gen.Long.Select(l => (long?)l))
        .Select((name, image, args, env, port, amounts, seconds) => new V1Container
        {
            Name = name,
            Image = image,
            Args = args.Length == 0 ? null : args.ToList(),
            Env = [.. env.Select(e => new V1EnvVar { Name = e.Item1, Value = e.Item2 })],
            Ports = port.Item3 ? [new V1ContainerPort { ContainerPort = port.Item1, Protocol = "TCP" }] : null,
            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = port.Item2 }, PeriodSeconds = port.Item1 },
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = amounts.Item1, ["memory"] = amounts.Item2 },
                Requests = amounts.Item3 ? new Dictionary<string, ResourceQuantity> { ["cpu"] = amounts.Item1 } : null,
            },
            Stdin = amounts.Item3,
            Lifecycle = seconds is { } s && s % 2 == 0 ? new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = s } } } : null,
        });

    private static readonly Gen<V1Deployment> Deployment = Gen.Select(Text, Labels, Container.Array[1, 3], Gen.Int[0, 100].Select(i => i % 3 == 0 ? null : (int?)i), IntOrText)
        .Select((name, labels, containers, replicas, surge) => new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels, Annotations = labels is null ? null : new SortedDictionary<string, string>(labels, StringComparer.Ordinal) },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Strategy = new V1DeploymentStrategy { RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = containers, TerminationGracePeriodSeconds = replicas } },
            },
        });

    private static readonly Gen<V1Secret> Secret = Gen.Select(Labels, Gen.Byte.Array[0, 20])
        .Select((data, bytes) => new V1Secret { ApiVersion = "v1", Kind = "Secret", StringData = data, Data = new Dictionary<string, byte[]> { ["raw"] = bytes }, Immutable = bytes.Length % 2 == 0 });

    private static readonly Gen<KedaObject<ScaledJobSpec>> ScaledJob = Gen.Select(Text, Labels, Container, Gen.Int[1, 100])
        .Select((name, metadata, container, max) => new KedaObject<ScaledJobSpec>
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = metadata },
            Spec = new ScaledJobSpec
            {
                JobTargetRef = new V1JobSpec { BackoffLimit = max, Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [container], RestartPolicy = "Never" } } },
                MaxReplicaCount = max,
                Rollout = max % 2 == 0 ? new ScaledJobRollout { Strategy = "gradual" } : null,
                Triggers = [new ScaleTrigger { Type = "redis", Name = name, Metadata = new SortedDictionary<string, string>(metadata ?? [], StringComparer.Ordinal) }],
            },
        });

    private static string Serialized<T>(T model, JsonTypeInfo<T> type)
    {
        var reader = new Utf8JsonReader(JsonSerializer.SerializeToUtf8Bytes(model, type));
        return PropertyValue.FromJson(ref reader).ToJson();
    }

    private static string Walked<T>(T model, JsonTypeInfo<T> type) => PropertyValue.From(new KubernetesBody().Inputs(model, type)).ToJson();

    [Fact]
    public void Inputs_WithoutHeldValues_AreTheSerializersJson()
    {
        Deployment.Sample(d => Walked(d, K8sJson.Default.V1Deployment) == Serialized(d, K8sJson.Default.V1Deployment), iter: 300);
        Secret.Sample(s => Walked(s, K8sJson.Default.V1Secret) == Serialized(s, K8sJson.Default.V1Secret), iter: 100);
        ScaledJob.Sample(j => Walked(j, Keda.Json<ScaledJobSpec>()) == Serialized(j, Keda.Json<ScaledJobSpec>()), iter: 300);
    }
}
