using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;

namespace Multinode.Infra.Targets.Kubernetes;

// KEDA's custom resources (keda.sh/v1alpha1, KEDA >= 2.13) as typed records: only the fields Multinode sets.
// Parts that are Kubernetes types (object metadata, the Job spec, HPA behavior) stay KubernetesClient models and
// are written by that library's own serializer, so they follow the same conventions as every other body.

/// <summary>KEDA <c>ScaledObject</c>: scales a Deployment on event-source metrics through an HPA it manages.</summary>
public sealed record KedaScaledObject
{
    public string ApiVersion => Keda.ApiVersion;
    public string Kind => "ScaledObject";
    [JsonConverter(typeof(KubernetesModelConverter<V1ObjectMeta>))]
    public required V1ObjectMeta Metadata { get; init; }
    public required ScaledObjectSpec Spec { get; init; }
}

public sealed record ScaledObjectSpec
{
    public required ScaleTargetRef ScaleTargetRef { get; init; }
    public int? PollingInterval { get; init; }
    /// <summary>Seconds after the last active trigger before scaling to zero (only then: see docs/scaling.md).</summary>
    public int? CooldownPeriod { get; init; }
    public int? MinReplicaCount { get; init; }
    public int? MaxReplicaCount { get; init; }
    public ScaledObjectAdvanced? Advanced { get; init; }
    public required IReadOnlyList<ScaleTrigger> Triggers { get; init; }
}

public sealed record ScaleTargetRef
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public required string Name { get; init; }
}

public sealed record ScaledObjectAdvanced
{
    public HorizontalPodAutoscalerConfig? HorizontalPodAutoscalerConfig { get; init; }
    public ScalingModifiers? ScalingModifiers { get; init; }
}

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

public sealed record ScaleTrigger
{
    public required string Type { get; init; }
    public string? Name { get; init; }
    public required SortedDictionary<string, string> Metadata { get; init; }
    public AuthenticationRef? AuthenticationRef { get; init; }
}

public sealed record AuthenticationRef
{
    public required string Name { get; init; }
}

/// <summary>KEDA <c>ScaledJob</c>: starts one Kubernetes Job per unit of pending work.</summary>
public sealed record KedaScaledJob
{
    public string ApiVersion => Keda.ApiVersion;
    public string Kind => "ScaledJob";
    [JsonConverter(typeof(KubernetesModelConverter<V1ObjectMeta>))]
    public required V1ObjectMeta Metadata { get; init; }
    public required ScaledJobSpec Spec { get; init; }
}

public sealed record ScaledJobSpec
{
    [JsonConverter(typeof(KubernetesModelConverter<V1JobSpec>))]
    public required V1JobSpec JobTargetRef { get; init; }
    public int? PollingInterval { get; init; }
    public int? MaxReplicaCount { get; init; }
    public ScaledJobRollout? Rollout { get; init; }
    public ScaledJobScalingStrategy? ScalingStrategy { get; init; }
    public required IReadOnlyList<ScaleTrigger> Triggers { get; init; }
}

public sealed record ScaledJobRollout
{
    public required string Strategy { get; init; }
}

public sealed record ScaledJobScalingStrategy
{
    public string? Strategy { get; init; }
    public string? MultipleScalersCalculation { get; init; }
}

/// <summary>KEDA <c>TriggerAuthentication</c>: where a trigger finds its credentials.</summary>
public sealed record KedaTriggerAuthentication
{
    public string ApiVersion => Keda.ApiVersion;
    public string Kind => "TriggerAuthentication";
    [JsonConverter(typeof(KubernetesModelConverter<V1ObjectMeta>))]
    public required V1ObjectMeta Metadata { get; init; }
    public required TriggerAuthenticationSpec Spec { get; init; }
}

public sealed record TriggerAuthenticationSpec
{
    public IReadOnlyList<SecretTargetRef>? SecretTargetRef { get; init; }
    public PodIdentity? PodIdentity { get; init; }
}

public sealed record SecretTargetRef
{
    public required string Parameter { get; init; }
    public required string Name { get; init; }
    public required string Key { get; init; }
}

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
    public const string ScaledObjectType = "kubernetes:keda.sh/v1alpha1:ScaledObject";
    public const string ScaledJobType = "kubernetes:keda.sh/v1alpha1:ScaledJob";
    public const string TriggerAuthenticationType = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";

    /// <summary>The oldest KEDA whose CRDs accept every field Multinode sets (scalingModifiers: 2.12; podIdentity
    /// provider "aws": 2.13).</summary>
    public const string MinimumVersion = "2.13";
}

/// <summary>Writes a KubernetesClient model with that library's own source-generated serializer.</summary>
public sealed class KubernetesModelConverter<T> : JsonConverter<T>
{
    private static readonly JsonTypeInfo<T> Info = (JsonTypeInfo<T>)k8s.SourceGenerationContext.Default.GetTypeInfo(typeof(T))!;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, Info)!;

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, Info);
}

/// <summary>KubernetesJson's conventions (camelCase, nulls omitted) for the KEDA records.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(KedaScaledObject))]
[JsonSerializable(typeof(KedaScaledJob))]
[JsonSerializable(typeof(KedaTriggerAuthentication))]
internal sealed partial class KedaJsonContext : JsonSerializerContext;
