using System.Text.Json;
using Multinode.Infra.Cli;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

/// <summary>Builds workloads and Kubernetes configs from JSON text, the way a program declares them, and plans them.</summary>
internal static class KubernetesPlans
{
    public static PropertyMap Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ((ObjectValue)PropertyValue.FromJson(document.RootElement)).Map;
    }

    public static ProviderConfig Config(string kubernetesJson = "{}")
    {
        var config = ProviderConfigReader.Read(new PropertyMap(("target", "kubernetes"), ("kubernetes", Json(kubernetesJson))), KindRegistry.Default);
        Assert.True(config.IsValid, string.Join("\n", config.Failures));
        return config.Value!;
    }

    public static Workload Workload(WorkloadKind kind, string name, PropertyMap properties)
    {
        var workload = WorkloadReader.Read(kind, name, properties);
        Assert.True(workload.IsValid, string.Join("\n", workload.Failures));
        return workload.Value!;
    }

    public static Workload Workload(WorkloadKind kind, string name, string json) => Workload(kind, name, Json(json));

    public static Result<WorkloadPlan> Try(Workload workload, ProviderConfig? config = null) =>
        new KubernetesTarget().Plan(workload, config ?? Config());

    public static WorkloadPlan Plan(Workload workload, ProviderConfig? config = null)
    {
        var plan = Try(workload, config);
        Assert.True(plan.IsValid, string.Join("\n", plan.Failures));
        return plan.Value!;
    }

    /// <summary>The pod spec inside any controller the target plans.</summary>
    public static string PodSpecPath(this PlannedResource resource) => resource.Type switch
    {
        "kubernetes:batch/v1:CronJob" => "spec.jobTemplate.spec.template.spec",
        Keda.ScaledJobType => "spec.jobTargetRef.template.spec",
        _ => "spec.template.spec",
    };

    public static PropertyValue Pod(this PlannedResource resource, string path) => resource.At($"{resource.PodSpecPath()}.{path}");

    /// <summary>The user's container in any controller's pod: a Function's or Job's runs as a native sidecar (the
    /// first init container, beside the worker), every other kind's is the first container.</summary>
    public static PropertyValue User(this PlannedResource resource, string path) =>
        resource.Pod($"{(resource.At(resource.PodSpecPath()).Find("initContainers") is null ? "containers[0]" : "initContainers[0]")}.{path}");

    /// <summary>The child that runs the pods: the Deployment, ScaledJob or CronJob.</summary>
    public static PlannedResource Workers(this WorkloadPlan plan) => Assert.Single(plan.Resources, r =>
        r.Type is "kubernetes:apps/v1:Deployment" or "kubernetes:batch/v1:CronJob" or Keda.ScaledJobType);

    /// <summary>Every shipped program that targets Kubernetes, and the root program moved onto Kubernetes
    /// (the AWS examples stay on AWS: their tags need not be valid Kubernetes labels).</summary>
    public static IEnumerable<(string File, ProgramDeclaration Program)> KubernetesPrograms()
    {
        foreach (var file in Repo.Programs())
        {
            var (program, _) = ProgramLoader.Load(file, null, KindRegistry.Default);
            if (file == Repo.File("Pulumi.yaml"))
                yield return (file, program with { Config = program.Config.With("target", "kubernetes") });
            else if (program.Config.Get("target") is StringValue { Value: "kubernetes" })
                yield return (file, program);
        }
    }

    public const string Function = """{ "image": "ghcr.io/example/square:1.0", "maxWorkers": 20, "spareWorkers": 2, "cooldownPeriod": 300, "timeoutSeconds": 120 }""";
    public const string Job = """{ "image": "ghcr.io/example/transcode:2.0", "command": ["/bin/transcode"], "args": ["--fast"], "maxConcurrency": 5, "timeoutSeconds": 3600, "resources": { "cpu": 8, "memory": "16 GiB" } }""";
    public const string Service = """{ "image": "ghcr.io/example/api:3.1", "port": 8080, "healthCheckPath": "/healthz", "minReplicas": 2, "maxReplicas": 8, "targetCpuUtilization": 0.65, "resources": { "cpu": 2, "memory": "4Gi" }, "tags": { "team": "platform" } }""";
    public const string ScheduledTask = """{ "image": "ghcr.io/example/reports:0.9", "schedule": "0 3 * * *", "timeZone": "Europe/Berlin", "timeoutSeconds": 1800 }""";
    public const string Daemon = """{ "image": "ghcr.io/example/ingest:5.2", "resources": { "cpu": 0.5, "memory": "1Gi" } }""";

    public static IEnumerable<(WorkloadKind Kind, string Name, string Json)> OneOfEach() =>
    [
        (FunctionKind.Instance, "square", Function),
        (JobKind.Instance, "transcode", Job),
        (ServiceKind.Instance, "api", Service),
        (ScheduledTaskKind.Instance, "nightly-report", ScheduledTask),
        (DaemonKind.Instance, "ingest", Daemon),
    ];
}
