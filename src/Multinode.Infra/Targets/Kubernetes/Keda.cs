using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace Multinode.Infra.Targets.Kubernetes;

// KEDA's custom resources (keda.sh/v1alpha1, KEDA >= 2.13) as typed records: only the fields Multinode sets.
// Parts that are Kubernetes types (object metadata, the Job spec, HPA behavior) stay KubernetesClient models and
// are written by that library's own serializer, so they follow the same conventions as every other body.

/// <summary>
/// A KEDA object: every one has the same shape (apiVersion, kind, metadata, spec) and differs only in its spec,
/// which names its kind (<see cref="IKedaSpec"/>). Its metadata is a KubernetesClient model, written by that library.
/// </summary>
public sealed record KedaObject<TSpec> where TSpec : IKedaSpec
{
    public string ApiVersion => Keda.ApiVersion;
    public string Kind => TSpec.Kind;
    [JsonConverter(typeof(KubernetesModelConverter<V1ObjectMeta>))]
    public required V1ObjectMeta Metadata { get; init; }
    public required TSpec Spec { get; init; }
}

/// <summary>The spec of a KEDA object, which decides its kind.</summary>
public interface IKedaSpec
{
    /// <summary>The object's kind, e.g. <c>ScaledObject</c>; its Pulumi type is <see cref="Keda.TypeOf{TSpec}"/>.</summary>
    static abstract string Kind { get; }
}

/// <summary>KEDA <c>ScaledObject</c>: scales a Deployment on event-source metrics through an HPA it manages. What it
/// scales, between which bounds, on which triggers.</summary>
public sealed record ScaledObjectSpec : IKedaSpec
{
    public static string Kind => "ScaledObject";

    public required ScaleTargetRef ScaleTargetRef { get; init; }
    public int? PollingInterval { get; init; }
    /// <summary>Seconds after the last active trigger before scaling to zero (only then: see docs/scaling.md).</summary>
    public int? CooldownPeriod { get; init; }
    public int? MinReplicaCount { get; init; }
    public int? MaxReplicaCount { get; init; }
    public ScaledObjectAdvanced? Advanced { get; init; }
    public required IReadOnlyList<ScaleTrigger> Triggers { get; init; }
}

/// <summary>The workload a ScaledObject scales (a Deployment here).</summary>
public sealed record ScaleTargetRef
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public required string Name { get; init; }
}

/// <summary>Settings of the HPA that KEDA manages, and the composite metric.</summary>
public sealed record ScaledObjectAdvanced
{
    public HorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; init; }
    public ScalingModifiers? ScalingModifiers { get; init; }
}

/// <summary>Passed by KEDA into the HPA it creates; its behavior governs every scale-in above zero.</summary>
public sealed record HorizontalPodAutoscalerConfig
{
    [JsonConverter(typeof(KubernetesModelConverter<V2HorizontalPodAutoscalerBehavior>))]
    public V2HorizontalPodAutoscalerBehavior? Behavior { get; init; }
}

/// <summary>One composite metric computed from the named triggers (KEDA >= 2.12).</summary>
public sealed record ScalingModifiers
{
    public required string Formula { get; init; }
    public required string Target { get; init; }
    public string? ActivationTarget { get; init; }
    public string? MetricType { get; init; }
}

/// <summary>One event source KEDA measures; <c>metadata</c> holds the scaler's settings, all strings.</summary>
public sealed record ScaleTrigger
{
    public required string Type { get; init; }
    public string? Name { get; init; }
    public required SortedDictionary<string, string> Metadata { get; init; }
    public AuthenticationRef? AuthenticationRef { get; init; }
}

/// <summary>The TriggerAuthentication (same namespace) a trigger takes its credentials from.</summary>
public sealed record AuthenticationRef
{
    public required string Name { get; init; }
}

/// <summary>KEDA <c>ScaledJob</c>, which starts one Kubernetes Job per unit of pending work: the Job each unit of
/// work gets, how many at most, and how KEDA counts and rolls them.</summary>
public sealed record ScaledJobSpec : IKedaSpec
{
    public static string Kind => "ScaledJob";

    [JsonConverter(typeof(KubernetesModelConverter<V1JobSpec>))]
    public required V1JobSpec JobTargetRef { get; init; }
    public int? PollingInterval { get; init; }
    public int? MaxReplicaCount { get; init; }
    public ScaledJobRollout? Rollout { get; init; }
    public ScaledJobScalingStrategy? ScalingStrategy { get; init; }
    public required IReadOnlyList<ScaleTrigger> Triggers { get; init; }
}

/// <summary>What happens to running Jobs when the ScaledJob changes ("gradual": they are left to finish).</summary>
public sealed record ScaledJobRollout
{
    public required string Strategy { get; init; }
}

/// <summary>How KEDA turns the metric and the running Jobs into Jobs to start.</summary>
public sealed record ScaledJobScalingStrategy
{
    public string? Strategy { get; init; }
    public string? MultipleScalersCalculation { get; init; }
}

/// <summary>KEDA <c>TriggerAuthentication</c>, where a trigger finds its credentials: from Secrets or from a pod
/// identity provider.</summary>
public sealed record TriggerAuthenticationSpec : IKedaSpec
{
    public static string Kind => "TriggerAuthentication";

    public IReadOnlyList<SecretTargetRef>? SecretTargetRef { get; init; }
    public PodIdentity? PodIdentity { get; init; }
}

/// <summary>One trigger parameter read from a key of a Secret.</summary>
public sealed record SecretTargetRef
{
    public required string Parameter { get; init; }
    public required string Name { get; init; }
    public required string Key { get; init; }
}

/// <summary>A cloud identity KEDA uses (provider "aws": an assumed role or the workload's own).</summary>
public sealed record PodIdentity
{
    public required string Provider { get; init; }
    public string? RoleArn { get; init; }
    public string? IdentityOwner { get; init; }
}

/// <summary>KEDA's API group, its type tokens and the serializer of its records.</summary>
public static class Keda
{
    public const string ApiVersion = "keda.sh/v1alpha1";
    public const string ScaledObjectType = "kubernetes:" + ApiVersion + ":ScaledObject";
    public const string ScaledJobType = "kubernetes:" + ApiVersion + ":ScaledJob";
    public const string TriggerAuthenticationType = "kubernetes:" + ApiVersion + ":TriggerAuthentication";

    /// <summary>The Pulumi type of a KEDA object with this spec: <c>kubernetes:keda.sh/v1alpha1:ScaledObject</c>.</summary>
    public static string TypeOf<TSpec>() where TSpec : IKedaSpec => $"kubernetes:{ApiVersion}:{TSpec.Kind}";

    /// <summary>The serializer metadata of a KEDA object with this spec.</summary>
    internal static JsonTypeInfo<KedaObject<TSpec>> Json<TSpec>() where TSpec : IKedaSpec => KedaJson<TSpec>.Info;

    /// <summary>Looked up once per spec type.</summary>
    private static class KedaJson<TSpec> where TSpec : IKedaSpec
    {
        public static readonly JsonTypeInfo<KedaObject<TSpec>> Info =
            (JsonTypeInfo<KedaObject<TSpec>>)KedaJsonContext.Default.GetTypeInfo(typeof(KedaObject<TSpec>))!;
    }

    /// <summary>The longest HPA scale-down stabilisation window Kubernetes accepts (autoscaling/v2 validation: 0..3600 s).</summary>
    public const int MaxStabilizationWindowSeconds = 3600;

    /// <summary>The oldest KEDA whose CRDs accept every field Multinode sets (scalingModifiers: 2.12; podIdentity
    /// provider "aws": 2.13).</summary>
    public const string MinimumVersion = "2.13";
}

/// <summary>Writes a KubernetesClient model with that library's own source-generated serializer.</summary>
public sealed class KubernetesModelConverter<T> : JsonConverter<T>, IKubernetesModelConverter
{
    private static readonly JsonTypeInfo<T> Info = (JsonTypeInfo<T>)k8s.SourceGenerationContext.Default.GetTypeInfo(typeof(T))!;

    JsonTypeInfo IKubernetesModelConverter.Info => Info;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, Info)!;

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, Info);
}

/// <summary>The metadata a <see cref="KubernetesModelConverter{T}"/> writes with, for KubernetesBody's walk.</summary>
internal interface IKubernetesModelConverter
{
    JsonTypeInfo Info { get; }
}

/// <summary>KubernetesJson's conventions (camelCase, nulls omitted) for the KEDA records.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KedaObject<ScaledObjectSpec>))]
[JsonSerializable(typeof(KedaObject<ScaledJobSpec>))]
[JsonSerializable(typeof(KedaObject<TriggerAuthenticationSpec>))]
internal sealed partial class KedaJsonContext : JsonSerializerContext;
