using Multinode.Infra.Planning;
using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using static Multinode.Infra.Tests.Targets.Kubernetes.KubernetesPlans;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

public sealed partial class KubernetesTargetTests
{
    private const string Deployment = "kubernetes:apps/v1:Deployment";

    [Theory]
    [InlineData("Function", "k8s-function.json")]
    [InlineData("Job", "k8s-job.json")]
    [InlineData("Service", "k8s-service.json")]
    [InlineData("ScheduledTask", "k8s-scheduledtask.json")]
    [InlineData("Daemon", "k8s-daemon.json")]
    public void Plan_EachKind_MatchesGoldenFile(string kindName, string golden)
    {
        var kind = KindRegistry.Default.Named(kindName);
        var (_, name, json) = OneOfEach().Single(w => w.Kind == kind);
        var config = Config();
        GoldenFile.Assert(golden, PlanJson.Write(Plan(Workload(kind, name, json), config), config));
    }

    [Fact]
    public void Plan_FunctionOnSqsWithGpuAndSecrets_MatchesGoldenFile()
    {
        var config = Config("""{ "namespace": "media", "serviceAccountName": "workers", "readOnlyRootFilesystem": true, "queue": { "kind": "aws-sqs", "region": "eu-west-1", "accountId": "123456789012" } }""");
        var workload = Workload(FunctionKind.Instance, "embed", Json(Function)
            .With("resources", Json("""{ "cpu": 4, "memory": "16Gi", "gpu": { "type": "nvidia-tesla-t4" } }"""))
            .With("env", new PropertyMap(("MODEL", "minilm"), ("HF_TOKEN", PropertyValue.Secret("hf_not_real")))));
        GoldenFile.Assert("k8s-function-sqs-gpu.json", PlanJson.Write(Plan(workload, config), config));
    }

    [Fact]
    public void Plan_EveryExampleTwice_IsByteIdentical()
    {
        var programs = KubernetesPrograms().ToList();
        Assert.True(programs.Count >= 3, "the root program and at least two kubernetes examples");
        foreach (var (file, program) in programs)
        {
            var first = Planner.Plan(program, KindRegistry.Default);
            var second = Planner.Plan(program, KindRegistry.Default);
            Assert.True(first.IsValid, $"{file}: {string.Join("\n", first.Failures)}");
            Assert.Equal(PlanJson.Write(first.Value!), PlanJson.Write(second.Value!));
            Assert.All(first.Value!.Workloads, w => Assert.NotEmpty(w.Resources));
        }
    }

    [Fact]
    public void Plan_Function_ScalesInFlightPlusSpareWithinBounds()
    {
        var plan = Plan(Workload(FunctionKind.Instance, "square", Function));
        var scaler = plan.OfType(Keda.ScaledObjectType);
        Assert.Equal("square-scaler", scaler.Name);
        Assert.Equal(2, scaler.Number("spec.minReplicaCount"));
        Assert.Equal(20, scaler.Number("spec.maxReplicaCount"));
        Assert.Equal(330, scaler.Number("spec.cooldownPeriod"));
        Assert.Equal(315, scaler.Number("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds"));
        Assert.Equal("pending + processing + 2", scaler.Text("spec.advanced.scalingModifiers.formula"));
        Assert.Equal("1", scaler.Text("spec.advanced.scalingModifiers.target"));
        Assert.Equal("AverageValue", scaler.Text("spec.advanced.scalingModifiers.metricType"));
        Assert.Equal("square", scaler.Text("spec.scaleTargetRef.name"));
        Assert.Equal(["square"], scaler.DependsOn);
        Assert.Equal(["pending", "processing"], ((ArrayValue)scaler.At("spec.triggers")).Items.Select(t => ((ObjectValue)t).Map["name"].Display().Trim('"')));
        // The autoscaler owns the replica count: the Deployment must not reset it on every update.
        Assert.False(((ObjectValue)plan.OfType(Deployment).At("spec")).Map.ContainsKey("replicas"));
        Assert.Equal(new PropertyMap(("children", PropertyValue.Strings(["square-worker", "square-worker-policy", "square-worker-policy-binding", "square-worker-role", "square-worker-binding", "square", "square-scaler"])),
            ("queue", "multinode:default:square")), plan.Outputs);
    }

    [Fact]
    public void Plan_FunctionWithoutSpare_FormulaIsInFlightAlone()
    {
        var plan = Plan(Workload(FunctionKind.Instance, "square", """{ "image": "i", "maxWorkers": 3 }"""));
        var scaler = plan.OfType(Keda.ScaledObjectType);
        Assert.Equal("pending + processing", scaler.Text("spec.advanced.scalingModifiers.formula"));
        Assert.Equal(0, scaler.Number("spec.minReplicaCount"));
        Assert.Equal(75, scaler.Number("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds"));
    }

    [Fact]
    public void Plan_FunctionOnSqs_CountsVisibleAndInFlightMessagesWithItsOwnIdentity()
    {
        var config = Config("""{ "serviceAccountName": "workers", "queue": { "kind": "aws-sqs", "region": "eu-west-1", "accountId": "123456789012" } }""");
        var plan = Plan(Workload(FunctionKind.Instance, "square", Function), config);
        var scaler = plan.OfType(Keda.ScaledObjectType);
        Assert.Equal("aws-sqs-queue", scaler.Text("spec.triggers[0].type"));
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/123456789012/square", scaler.Text("spec.triggers[0].metadata.queueURL"));
        Assert.Equal("true", scaler.Text("spec.triggers[0].metadata.scaleOnInFlight"));
        Assert.Equal("messages + 2", scaler.Text("spec.advanced.scalingModifiers.formula"));
        var auth = plan.OfType(Keda.TriggerAuthenticationType);
        Assert.Equal("square-queue", scaler.Text("spec.triggers[0].authenticationRef.name"));
        Assert.Equal("square-queue", auth.Text("metadata.name"));
        Assert.Equal("workload", auth.Text("spec.podIdentity.identityOwner"));
        Assert.Equal("workers", plan.OfType(Deployment).Pod("serviceAccountName").Display().Trim('"'));
        Assert.Equal(["square", "square-queue-auth"], scaler.DependsOn);
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/123456789012/square", plan.Outputs["queue"].Display().Trim('"'));
    }

    [Fact]
    public void Plan_JobOnSqsWithRole_KedaAssumesTheRole()
    {
        var config = Config("""{ "queue": { "kind": "aws-sqs", "accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/keda-sqs" } }""");
        var auth = Plan(Workload(JobKind.Instance, "transcode", Job), config).OfType(Keda.TriggerAuthenticationType);
        Assert.Equal("arn:aws:iam::123456789012:role/keda-sqs", auth.Text("spec.podIdentity.roleArn"));
        Assert.False(((ObjectValue)auth.At("spec.podIdentity")).Map.ContainsKey("identityOwner"));
    }

    [Fact]
    public void Plan_Job_OneJobPerExecutionAtMostMaxConcurrency()
    {
        var plan = Plan(Workload(JobKind.Instance, "transcode", Job));
        var job = plan.OfType(Keda.ScaledJobType);
        Assert.Equal(5, job.Number("spec.maxReplicaCount"));
        Assert.Equal(1, job.Number("spec.jobTargetRef.parallelism"));
        Assert.Equal(1, job.Number("spec.jobTargetRef.completions"));
        Assert.Equal(120 + 3600, job.Number("spec.jobTargetRef.activeDeadlineSeconds"));
        Assert.Equal("Never", job.Text("spec.jobTargetRef.template.spec.restartPolicy"));
        Assert.Equal("gradual", job.Text("spec.rollout.strategy"));
        Assert.Equal("sum", job.Text("spec.scalingStrategy.multipleScalersCalculation"));
        Assert.Equal(PropertyValue.Strings(["/bin/transcode"]), job.User("command"));
        Assert.Equal(["transcode-worker", "transcode-worker-policy", "transcode-worker-policy-binding", "transcode-worker-role", "transcode-worker-binding", "transcode"],
            plan.Resources.Select(r => r.Name));
    }

    [Fact]
    public void Plan_Service_HpaPdbSpreadProbeAndEndpoint()
    {
        var plan = Plan(Workload(ServiceKind.Instance, "api", Service));
        Assert.Equal(["api", "api-service", "api-hpa", "api-pdb"], plan.Resources.Select(r => r.Name));
        var hpa = plan.OfType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        Assert.Equal(65, hpa.Number("spec.metrics[0].resource.target.averageUtilization"));
        Assert.Equal("Utilization", hpa.Text("spec.metrics[0].resource.target.type"));
        Assert.Equal("cpu", hpa.Text("spec.metrics[0].resource.name"));
        Assert.Equal(2, hpa.Number("spec.minReplicas"));
        Assert.Equal(8, hpa.Number("spec.maxReplicas"));
        Assert.Equal("api", hpa.Text("spec.scaleTargetRef.name"));
        var pdb = plan.OfType("kubernetes:policy/v1:PodDisruptionBudget");
        Assert.Equal(1, pdb.Number("spec.maxUnavailable"));
        var deployment = plan.OfType(Deployment);
        Assert.Equal(["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
            ((ArrayValue)deployment.Pod("topologySpreadConstraints")).Items.Select(c => ((StringValue)((ObjectValue)c).Map["topologyKey"]).Value));
        Assert.Equal("/healthz", deployment.Text("spec.template.spec.containers[0].readinessProbe.httpGet.path"));
        Assert.Equal(8080, deployment.Number("spec.template.spec.containers[0].ports[0].containerPort"));
        Assert.Equal("http", plan.OfType("kubernetes:core/v1:Service").Text("spec.ports[0].targetPort"));
        Assert.Equal("http://api.default.svc.cluster.local", plan.Outputs["endpoint"].Display().Trim('"'));
    }

    [Theory]
    [InlineData(0.65, 65)]
    [InlineData(0.05, 5)]
    [InlineData(0.125, 13)]
    [InlineData(0.95, 95)]
    public void Plan_ServiceTargetCpu_IsRoundedPercent(double target, double expected)
    {
        var workload = Workload(ServiceKind.Instance, "api", Json(Service).With("targetCpuUtilization", target));
        var hpa = Plan(workload).OfType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        Assert.Equal(expected, hpa.Number("spec.metrics[0].resource.target.averageUtilization"));
    }

    [Fact]
    public void Plan_ScheduledTask_CronJobForbidsOverlapAndStopsAtTimeout()
    {
        var plan = Plan(Workload(ScheduledTaskKind.Instance, "nightly-report", ScheduledTask));
        var cron = plan.OfType("kubernetes:batch/v1:CronJob");
        Assert.Equal("0 3 * * *", cron.Text("spec.schedule"));
        Assert.Equal("Europe/Berlin", cron.Text("spec.timeZone"));
        Assert.Equal("Forbid", cron.Text("spec.concurrencyPolicy"));
        Assert.Equal(1800, cron.Number("spec.jobTemplate.spec.activeDeadlineSeconds"));
        Assert.Equal(0, cron.Number("spec.jobTemplate.spec.backoffLimit"));
        Assert.Equal("Never", cron.Text("spec.jobTemplate.spec.template.spec.restartPolicy"));
        Assert.Equal("0 3 * * * (Europe/Berlin)", plan.Outputs["schedule"].Display().Trim('"'));
    }

    [Fact]
    public void Plan_Daemon_OneReplicaRecreated()
    {
        var plan = Plan(Workload(DaemonKind.Instance, "ingest", Daemon));
        var deployment = Assert.Single(plan.Resources);
        Assert.Equal(Deployment, deployment.Type);
        Assert.Equal(1, deployment.Number("spec.replicas"));
        Assert.Equal("Recreate", deployment.Text("spec.strategy.type"));
        Assert.Equal("Always", deployment.Pod("restartPolicy").Display().Trim('"'));
        Assert.Equal(new PropertyMap(("children", PropertyValue.Strings(["ingest"]))), plan.Outputs);
    }

    [Fact]
    public void Plan_EveryKind_OutputsAreExactlyTheDeclaredOnes()
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var plan = Plan(Workload(kind, name, json));
            Assert.Equal(kind.Outputs.Select(o => o.Name), plan.Outputs.Keys);
            Assert.Equal(PropertyValue.Strings(plan.Resources.Select(r => r.Name)), plan.Outputs["children"]);
        }
    }

    [Theory]
    [InlineData("t4", "Tesla-T4")]
    [InlineData("a10g", "NVIDIA-A10G")]
    [InlineData("l4", "NVIDIA-L4")]
    [InlineData("l40s", "NVIDIA-L40S")]
    [InlineData("v100", "Tesla-V100-SXM2-16GB")]
    [InlineData("a100", "NVIDIA-A100-SXM4-40GB")]
    [InlineData("A100-80GB", "NVIDIA-A100-SXM4-80GB")]
    [InlineData("h100", "NVIDIA-H100-80GB-HBM3")]
    [InlineData("h200", "NVIDIA-H200")]
    public void Plan_Gpu_LimitNodeSelectorAndToleration(string type, string product)
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workload = Workload(kind, name, Json(json).With("resources", Json($$"""{ "gpu": { "type": "{{type}}", "count": 4 } }""")));
            var workers = Plan(workload).Workers();
            Assert.Equal(PropertyValue.From("4"), ((ObjectValue)workers.User("resources.limits")).Map["nvidia.com/gpu"]);
            Assert.Equal(new PropertyMap(("nvidia.com/gpu.product", product)), ((ObjectValue)workers.Pod("nodeSelector")).Map);
            Assert.Equal(
                PropertyValue.From([PropertyValue.From(new PropertyMap(("effect", "NoSchedule"), ("key", "nvidia.com/gpu"), ("operator", "Exists")))]),
                workers.Pod("tolerations"));
        }
    }

    [Fact]
    public void Plan_GpuWithConfiguredLabelAndProduct_UsesThem()
    {
        var config = Config("""{ "gpuNodeLabel": "cloud.google.com/gke-accelerator", "gpuProducts": { "nvidia-tesla-t4": "nvidia-tesla-t4" } }""");
        var workload = Workload(DaemonKind.Instance, "d", Json(Daemon).With("resources", Json("""{ "gpu": { "type": "t4" } }""")));
        var selector = Plan(workload, config).Workers().Pod("nodeSelector");
        Assert.Equal(new PropertyMap(("cloud.google.com/gke-accelerator", "nvidia-tesla-t4")), ((ObjectValue)selector).Map);
    }

    [Fact]
    public void Plan_WithoutGpu_NoGpuSchedulingAtAll()
    {
        var workers = Plan(Workload(DaemonKind.Instance, "d", Daemon)).Workers();
        var pod = (ObjectValue)workers.At(workers.PodSpecPath());
        Assert.False(pod.Map.ContainsKey("nodeSelector"));
        Assert.False(pod.Map.ContainsKey("tolerations"));
        Assert.False(((ObjectValue)workers.User("resources.limits")).Map.ContainsKey("nvidia.com/gpu"));
    }

    [Fact]
    public void Plan_EveryKind_RequestsEqualLimits()
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workload = Workload(kind, name, json);
            var resources = (ObjectValue)Plan(workload).Workers().User("resources");
            Assert.Equal(resources.Map["limits"], resources.Map["requests"]);
            var limits = ((ObjectValue)resources.Map["limits"]).Map;
            Assert.Equal(workload.Resources.Memory.ToString(), ((StringValue)limits["memory"]).Value);
            Assert.Equal(PodTemplates.Cpu(workload.Resources.Cpu), ((StringValue)limits["cpu"]).Value);
        }
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(0.5, "500m")]
    [InlineData(0.1, "100m")]
    [InlineData(2.25, "2250m")]
    [InlineData(96, "96")]
    public void Cpu_Amount_IsKubernetesQuantity(double cpu, string expected) => Assert.Equal(expected, PodTemplates.Cpu(cpu));

    [Fact]
    public void Plan_EveryKind_TerminationGraceCoversTimeout()
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workload = Workload(kind, name, Json(json).With("timeoutSeconds", 7200));
            var grace = ((NumberValue)Plan(workload).Workers().Pod("terminationGracePeriodSeconds")).Value;
            Assert.True(grace >= 7200, $"{kind}: grace {grace} < timeoutSeconds 7200");
        }
    }

    [Fact]
    public void Plan_EveryKind_SafePodDefaults()
    {
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workers = Plan(Workload(kind, name, json)).Workers();
            Assert.Equal(PropertyValue.From(true), workers.Pod("securityContext.runAsNonRoot"));
            Assert.Equal(PropertyValue.From(false), workers.User("securityContext.allowPrivilegeEscalation"));
            Assert.Equal(PropertyValue.Strings(["ALL"]), workers.User("securityContext.capabilities.drop"));
            // Issue 25: the user's root file system is read-only by default, with a scratch /tmp of the pod's own.
            Assert.Equal(PropertyValue.From(true), workers.User("securityContext.readOnlyRootFilesystem"));
            Assert.Equal(new PropertyMap(("mountPath", "/tmp"), ("name", "tmp")), ((ObjectValue)workers.User("volumeMounts[0]")).Map);
            Assert.Contains(((ArrayValue)workers.Pod("volumes")).Items,
                v => v.Find("name") is StringValue { Value: "tmp" } && v.Find("emptyDir") is ObjectValue);
        }
    }

    [Fact]
    public void Plan_WritableRootAndRootAllowed_AreHonouredWithoutScratchTmp()
    {
        var workers = Plan(Workload(DaemonKind.Instance, "d", Daemon), Config("""{ "runAsNonRoot": false, "readOnlyRootFilesystem": false }""")).Workers();
        Assert.Equal(PropertyValue.From(false), workers.Pod("securityContext.runAsNonRoot"));
        Assert.Equal(PropertyValue.From(false), workers.User("securityContext.readOnlyRootFilesystem"));
        Assert.Null(workers.Find($"{workers.PodSpecPath()}.containers[0].volumeMounts"));
        Assert.Null(workers.Find($"{workers.PodSpecPath()}.volumes"));
    }

    [Fact]
    public void Plan_SecretEnv_NeverInPlainAnywhereAndReferencedFromASecret()
    {
        const string Token = "hf_super_secret_value";
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workload = Workload(kind, name, Json(json).With("env", new PropertyMap(("PLAIN", "visible"), ("TOKEN", PropertyValue.Secret(Token)))));
            var plan = Plan(workload);
            foreach (var child in plan.Resources)
            {
                Assert.DoesNotContain(Token, PlainStrings(PropertyValue.From(child.Inputs)));
            }
            var secret = plan.OfType("kubernetes:core/v1:Secret");
            Assert.Equal(PropertyValue.Secret(Token), secret.At("stringData.TOKEN"));
            Assert.Contains("stringData", secret.Options.AdditionalSecretOutputs);
            var workers = plan.Workers();
            Assert.Equal(new PropertyMap(("key", "TOKEN"), ("name", $"{name}-env")), ((ObjectValue)workers.User("env[1].valueFrom.secretKeyRef")).Map);
            Assert.Equal("visible", ((StringValue)workers.User("env[0].value")).Value);
            Assert.Contains(secret.Name, workers.DependsOn);
        }
    }

    /// <summary>Every string a reader of the plan would see: secrets excluded, as PlanJson and the engine treat them.</summary>
    private static IEnumerable<string> PlainStrings(PropertyValue value) => value switch
    {
        StringValue s => [s.Value],
        ArrayValue a => a.Items.SelectMany(PlainStrings),
        ObjectValue o => o.Map.Keys.Concat(o.Map.Values.SelectMany(PlainStrings)),
        _ => [],
    };

    [Fact]
    public void Plan_UnknownAndSecretPassThroughs_LandWhereTheyBelong()
    {
        var workload = Workload(JobKind.Instance, "t", new PropertyMap(
            ("image", PropertyValue.Unknown),
            ("command", PropertyValue.Secret(PropertyValue.Strings(["/run"]))),
            ("args", PropertyValue.From([PropertyValue.From("--in"), PropertyValue.Unknown])),
            ("env", new PropertyMap(("URL", PropertyValue.Unknown))),
            ("tags", new PropertyMap(("owner", PropertyValue.Unknown)))));
        var job = Plan(workload).OfType(Keda.ScaledJobType);
        Assert.Equal(PropertyValue.Unknown, job.User("image"));
        Assert.Equal(PropertyValue.Secret(PropertyValue.Strings(["/run"])), job.User("command"));
        Assert.Equal(PropertyValue.From([PropertyValue.From("--in"), PropertyValue.Unknown]), job.User("args"));
        Assert.Equal(PropertyValue.Unknown, job.User("env[0].value"));
        Assert.Equal(PropertyValue.Unknown, job.At("metadata.labels.owner"));
    }

    [Fact]
    public void Plan_SecretPassThrough_MakesTheInputHoldingItASecretOutput()
    {
        var secret = Plan(Workload(JobKind.Instance, "t", Json(Job).With("command", PropertyValue.Secret(PropertyValue.Strings(["/run"])))));
        Assert.Contains("spec", secret.OfType(Keda.ScaledJobType).Options.AdditionalSecretOutputs);
        var unknown = Plan(Workload(JobKind.Instance, "t", Json(Job).With("command", PropertyValue.Unknown)));
        Assert.DoesNotContain("spec", unknown.OfType(Keda.ScaledJobType).Options.AdditionalSecretOutputs);
    }

    [Theory]
    [InlineData("\u0001multinode:0")]
    [InlineData("\u0001multinode:1")]
    [InlineData("\u0001multinode-list:0")]
    [InlineData("\u0001multinode-map:0")]
    public void Plan_TextOfTheOldPlaceholders_IsPlannedVerbatim(string marker)
    {
        // Pass-through values were once carried as "\u0001multinode:N" strings; input text must never stand for another value.
        foreach (var kind in new WorkloadKind[] { JobKind.Instance, DaemonKind.Instance })
        {
            var workload = Workload(kind, "t", Json(kind == JobKind.Instance ? Job : Daemon).With("image", marker)
                .With("command", PropertyValue.Strings([marker]))
                .With("args", PropertyValue.From([PropertyValue.From(marker), PropertyValue.Unknown]))
                .With("env", new PropertyMap(("PLAIN", marker), ("TOKEN", PropertyValue.Secret("tok")), ("URL", PropertyValue.Unknown))));
            var plan = Plan(workload);
            var workers = plan.Workers();
            Assert.Equal(PropertyValue.From(marker), workers.User("image"));
            Assert.Equal(PropertyValue.Strings([marker]), workers.User("command"));
            Assert.Equal(PropertyValue.From([PropertyValue.From(marker), PropertyValue.Unknown]), workers.User("args"));
            Assert.Equal(PropertyValue.From(marker), workers.User("env[0].value"));
            Assert.Equal(PropertyValue.Unknown, workers.User("env[2].value"));
            Assert.Equal(PropertyValue.Secret("tok"), plan.OfType("kubernetes:core/v1:Secret").At("stringData.TOKEN"));
        }
    }

    [Fact]
    public void Plan_EveryChild_NamedFromTheWorkloadInTheConfiguredNamespaceWithLabels()
    {
        var config = Config("""{ "namespace": "team-a" }""");
        foreach (var (kind, name, json) in OneOfEach())
        {
            var workload = Workload(kind, name, Json(json).With("tags", new PropertyMap(("team", "a"), ("example.com/cost-center", "42"))));
            foreach (var child in Plan(workload, config).Resources)
            {
                Assert.StartsWith(name, child.Name, StringComparison.Ordinal);
                // The admission guard is cluster-scoped: its name carries the namespace, and it has none.
                var clusterScoped = child.Type is KubernetesTarget.PolicyType or KubernetesTarget.PolicyBindingType;
                Assert.StartsWith(clusterScoped ? $"multinode.team-a.{name}" : name, child.Text("metadata.name"), StringComparison.Ordinal);
                Assert.Equal(clusterScoped ? null : PropertyValue.From("team-a"), child.Find("metadata.namespace"));
                Assert.Equal(new PropertyMap(
                    ("app.kubernetes.io/managed-by", "multinode"), ("app.kubernetes.io/name", name),
                    ("example.com/cost-center", "42"), ("team", "a")), ((ObjectValue)child.At("metadata.labels")).Map);
                Assert.Contains("metadata.name", child.Options.ReplaceOnChanges);
                Assert.Equal(!clusterScoped, child.Options.ReplaceOnChanges.Contains("metadata.namespace"));
                Assert.True(child.Options.DeleteBeforeReplace);
            }
        }
    }

    [Fact]
    public void Plan_ScalingEnvAndTagChanges_KeepEveryChildIdentity()
    {
        var before = Plan(Workload(FunctionKind.Instance, "square", Function));
        var after = Plan(Workload(FunctionKind.Instance, "square", Json(Function)
            .With("maxWorkers", 50).With("spareWorkers", 5).With("cooldownPeriod", 30)
            .With("env", new PropertyMap(("LEVEL", "debug"))).With("tags", new PropertyMap(("team", "b")))));
        Assert.Equal(Identities(before), Identities(after));
        foreach (var (old, @new) in before.Resources.Zip(after.Resources))
            foreach (var path in old.Options.ReplaceOnChanges)
                Assert.Equal(old.At(path), @new.At(path));
    }

    [Fact]
    public void Plan_CpuAndMemoryChange_TouchesOnlyThePodTemplate()
    {
        var before = Plan(Workload(ServiceKind.Instance, "api", Service));
        var after = Plan(Workload(ServiceKind.Instance, "api", Json(Service).With("resources", Json("""{ "cpu": 4, "memory": "8Gi" }"""))));
        Assert.Equal(Identities(before), Identities(after));
        foreach (var (old, @new) in before.Resources.Zip(after.Resources))
        {
            if (old.Type == Deployment)
            {
                Assert.NotEqual(old.At("spec.template"), @new.At("spec.template"));
                Assert.Equal(old.At("spec.selector"), @new.At("spec.selector"));
                Assert.Equal(old.At("metadata"), @new.At("metadata"));
            }
            else
            {
                Assert.Equal(old.Inputs, @new.Inputs);
            }
        }
    }

    private static IEnumerable<(string, string, string)> Identities(WorkloadPlan plan) =>
        plan.Resources.Select(r => (r.Type, r.Name, r.Text("metadata.name")));

    [Fact]
    public void Plan_InvalidTags_FailsNamingEachOne()
    {
        var workload = Workload(DaemonKind.Instance, "ingest", Json(Daemon).With("tags", new PropertyMap(
            ("cost center", "a"), ("team", "platform team"), ("app.kubernetes.io/name", "x"), ("owner", PropertyValue.Secret("me")))));
        var result = Try(workload);
        Assert.False(result.IsValid);
        Assert.Equal(
        [
            """Daemon "ingest": tags.app.kubernetes.io/name: the label "app.kubernetes.io/name" is set by Multinode and cannot be a tag""",
            """Daemon "ingest": tags.cost center: the key "cost center" is not a Kubernetes label key (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)""",
            """Daemon "ingest": tags.owner is a secret, but tags become Kubernetes labels, which anyone who can list the objects reads; pass it as a plain value""",
            """Daemon "ingest": tags.team = "platform team" is not a Kubernetes label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, or empty)""",
        ], result.Failures.Select(f => f.ToString()));
        // Tags are read in key order (the wire does not keep a map's order).
        Assert.Equal(["tags.app.kubernetes.io/name", "tags.cost center", "tags.owner", "tags.team"], result.Failures.Select(f => f.Path));
    }

    [Fact]
    public void Read_SecretEnvWithNameNoSecretKeyAllows_FailsOnTheEnvNameRule()
    {
        // The core's env name rule is stricter than a Kubernetes Secret's keys, so the Secret always takes the name.
        var read = WorkloadReader.Read(DaemonKind.Instance, "ingest", Json(Daemon).With("env", new PropertyMap(("API KEY", PropertyValue.Secret("x")))));
        var failure = Assert.Single(read.Failures);
        Assert.Equal("""Daemon "ingest": env: the name "API KEY" is not a valid environment variable name: use letters, digits and _, not starting with a digit (^[A-Za-z_][A-Za-z0-9_]*$)""", failure.ToString());
    }

    [Fact]
    public void Plan_CooldownAboveHpaStabilisationLimit_FailsNamingValueAndLimit()
    {
        var workload = Workload(FunctionKind.Instance, "slow", Json(Function).With("cooldownPeriod", 7200));
        var failure = Assert.Single(Try(workload).Failures);
        Assert.Equal("cooldownPeriod", failure.Path);
        Assert.Equal("""Function "slow": cooldownPeriod = 7200 is above the limit of 3600 on Kubernetes, where it is the HPA's behavior.scaleDown.stabilizationWindowSeconds (at most 3600)""", failure.ToString());
    }

    [Fact]
    public void Plan_CooldownAtHpaStabilisationLimit_IsPlanned()
    {
        var scaler = Plan(Workload(FunctionKind.Instance, "slow", Json(Function).With("cooldownPeriod", 3600))).OfType(Keda.ScaledObjectType);
        Assert.Equal(3600, scaler.Number("spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds"));
    }

    [Fact]
    public void Plan_CertificateArn_IgnoredWithAFact()
    {
        var plan = Plan(Workload(ServiceKind.Instance, "api", Json(Service).With("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/abc")));
        Assert.Contains(plan.Summary.Facts, f => f.Key == "certificateArn" && f.Value.StartsWith("ignored on Kubernetes", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_InstanceTypes_IgnoredWithAFact()
    {
        var plan = Plan(Workload(DaemonKind.Instance, "d", Json(Daemon).With("instanceTypes", PropertyValue.Strings(["m7i.large"]))));
        Assert.Contains(plan.Summary.Facts, f => f.Key == "instanceTypes" && f.Value.Contains("ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Summary_MaximumScaleAndFacts()
    {
        var workload = Workload(FunctionKind.Instance, "square", Json(Function).With("resources", Json("""{ "cpu": 4, "memory": "16Gi", "gpu": { "type": "l4", "count": 2 } }""")));
        var summary = Plan(workload).Summary;
        Assert.Equal((20, 80.0, "320Gi", 40), (summary.MaxWorkers, summary.MaxCpu, summary.MaxMemory.ToString(), summary.MaxGpus));
        Assert.Equal(
        [
            new("namespace", "default"),
            new("queue", "redis lists multinode:default:square + multinode:default:square:processing at redis:6379"),
            new("worker", "ghcr.io/multinode/multinode-worker:0.1.0 as service account square-worker (pods: patch, its own pod's deletion cost only)"),
            new("scaling", "KEDA: desired = pending + processing + 2, 2..20 workers, scale-in after 300s below target"),
            new("GPU nodes", "nvidia.com/gpu.product=NVIDIA-L4, nvidia.com/gpu x2"),
            new("nodes at maximum scale", "10 × g6.12xlarge (48 vCPU, 192 GiB, 4 × l4), 2 workers each, ≈ $4.6016 per node-hour"),
        ], summary.Facts);
        Assert.Equal(46.016m, summary.MaxHourlyCost);
    }

    [Theory]
    [InlineData("Service", false)]
    [InlineData("Daemon", false)]
    [InlineData("Function", false)]
    public void Pods_MountNoApiTokenForAllContainers(string kindName, bool expected)
    {
        var kind = KindRegistry.Default.Named(kindName);
        // A Function's worker gets a projected token of its own (KubernetesTargetTests.Worker); the pod none.
        var plan = KubernetesPlans.Plan(KubernetesPlans.Workload(kind, "w", """{"image":"app"}"""));
        Assert.Equal(PropertyValue.From(expected), plan.OfType(Deployment).Pod("automountServiceAccountToken"));
    }
}
