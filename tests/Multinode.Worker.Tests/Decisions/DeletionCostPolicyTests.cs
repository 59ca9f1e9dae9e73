using Multinode.Worker.Decisions;

namespace Multinode.Worker.Tests.Decisions;

public sealed class DeletionCostPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private static int? Step(DeletionCostPolicy policy, DateTimeOffset now, DateTimeOffset? idleSince)
    {
        var cost = policy.Next(now, idleSince);
        if (cost is { } c) policy.Published(now, c);
        return cost;
    }

    [Fact]
    public void Next_Busy_HighOncePerChange()
    {
        var policy = new DeletionCostPolicy(Interval);

        Assert.Equal(DeletionCostPolicy.Busy, Step(policy, T0, null));
        Assert.Null(Step(policy, T0 + TimeSpan.FromSeconds(1), null));
    }

    [Fact]
    public void Next_Idle_LowerTheLongerIdleAtMostOncePerInterval()
    {
        var policy = new DeletionCostPolicy(Interval);

        Assert.Null(Step(policy, T0 + TimeSpan.FromSeconds(29), T0));
        Assert.Equal(-30, Step(policy, T0 + TimeSpan.FromSeconds(30), T0));
        Assert.Null(Step(policy, T0 + TimeSpan.FromSeconds(59), T0));
        Assert.Equal(-60, Step(policy, T0 + TimeSpan.FromSeconds(60), T0));
        Assert.Equal(DeletionCostPolicy.Busy, Step(policy, T0 + TimeSpan.FromSeconds(61), null));
    }

    [Fact]
    public void Next_IdleForMonths_ClampedToFloor()
    {
        var policy = new DeletionCostPolicy(Interval);

        Assert.Equal(-1_000_000, policy.Next(T0 + TimeSpan.FromDays(90), T0));
    }

    [Fact]
    public void Patch_Cost_MergePatchOfTheAnnotation() =>
        Assert.Equal("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"-42"}}}""", DeletionCostPolicy.Patch(-42));
}
