using Multinode.Contracts;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Worker.Tests.Contract;

/// <summary>The contract across the seam (issue 23): every kind that runs the worker, planned on every target with
/// its defaults and with its inputs at their limits, gives the worker an environment it accepts
/// (<see cref="RealWorkerTimeoutTests"/> starts the real worker binary with planned environments).</summary>
public sealed class PlanToWorkerTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in PlannedWorkers.WorkerKinds)
            foreach (var target in PlannedWorkers.Targets)
                foreach (var inputs in new[] { "defaults", "minimum", "maximum" })
                    data.Add(kind.Name, target.Name, inputs);
        return data;
    }

    private static PropertyMap Inputs(WorkloadKind kind, PlannedWorkers.Target target, string inputs) => inputs switch
    {
        "defaults" => new PropertyMap(("image", "ghcr.io/example/app:1.0")),
        _ => PlannedWorkers.AtLimits(kind, target, max: inputs == "maximum"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PlannedEnvironment_IsAcceptedByTheWorkersSettingsReader(string kindName, string targetName,
        string inputs)
    {
        var kind = PlannedWorkers.Kinds.Named(kindName);
        var target = PlannedWorkers.Targets.Single(t => t.Name == targetName);
        var properties = Inputs(kind, target, inputs);
        var env = PlannedWorkers.WorkerEnv(kind, properties, target);

        var (settings, problems) = Settings.Read(name => env.GetValueOrDefault(name));

        Assert.True(problems.Count == 0, $"{kindName} on {targetName} ({inputs}): {string.Join("; ", problems)}");
        Assert.Equal(kindName.ToLowerInvariant(), settings!.Kind);
        // One message, then exit, exactly for a kind whose worker runs one execution.
        Assert.Equal(kind.Has<IRunsToCompletion>(), settings.TakesOneMessage);
        Assert.Equal("w", settings.Workload);
        var timeout = properties.Get("timeoutSeconds") is NumberValue n
            ? (int)n.Value
            : Container.DefaultTimeoutSeconds;
        Assert.Equal(TimeSpan.FromSeconds(timeout), settings.Timeout);
        Assert.Equal(targetName == "aws" ? PlatformKind.Aws : PlatformKind.Kubernetes, settings.Platform);
    }

    [Fact]
    public void EveryKindThatRunsTheWorker_IsAKindTheWorkerAccepts() =>
        Assert.All(PlannedWorkers.WorkerKinds, k => Assert.True(WorkerKinds.IsKind(k.Name.ToLowerInvariant()), k.Name));

    [Fact]
    public void TheLongestAcceptedTimeout_FitsSqsHoldAndTheDrainHooksHeartbeats()
    {
        // SQS: a message is held at most 12 hours from receipt (ChangeMessageVisibility); the worker's invocation
        // and its reply and delete must fit in it.
        Assert.True(WorkerSettings.MaxTimeoutSeconds + WorkerSettings.FinishAllowanceSeconds <= 12 * 3600);
        // EC2 Auto Scaling: heartbeats keep a lifecycle action for at most 48 h or 100 × the heartbeat timeout.
        var heartbeat = Math.Min(WorkerSettings.MaxTimeoutSeconds + 30, 7200);
        Assert.True(Math.Min(48 * 3600, 100 * heartbeat) >= WorkerSettings.MaxTimeoutSeconds + 30);
        var kinds = PlannedWorkers.WorkerKinds.ToList();
        Assert.NotEmpty(kinds);
        foreach (var kind in kinds)
            Assert.Equal(WorkerSettings.MaxTimeoutSeconds, kind.Inputs.Single(i => i.Name == "timeoutSeconds").Max);
    }
}
