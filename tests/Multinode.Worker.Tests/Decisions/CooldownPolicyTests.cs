using Multinode.Worker.Decisions;

namespace Multinode.Worker.Tests.Decisions;

public sealed class CooldownPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(300), Window = TimeSpan.FromSeconds(30);

    private static CooldownPolicy Policy(int spare = 1, double random = 0.5) => new(Cooldown, spare, Window, () => random);

    [Fact]
    public void ShouldCheck_IdleShorterThanCooldown_False()
    {
        var policy = Policy();

        Assert.False(policy.ShouldCheck(T0 + Cooldown - TimeSpan.FromSeconds(1), T0));
        Assert.True(policy.ShouldCheck(T0 + Cooldown, T0));
        Assert.False(policy.ShouldCheck(T0 + Cooldown, null));
    }

    [Fact]
    public void Observe_AboveInFlightPlusSpare_ConfirmsAfterRandomPauseThenTerminatesOnce()
    {
        var policy = Policy(spare: 1, random: 0.5);
        var now = T0 + Cooldown;

        Assert.Equal(CooldownAction.Confirm, policy.Observe(now, inService: 3, inFlight: 1));
        Assert.False(policy.ShouldCheck(now + TimeSpan.FromSeconds(14), T0));
        Assert.True(policy.ShouldCheck(now + TimeSpan.FromSeconds(15), T0));
        Assert.Equal(CooldownAction.Terminate, policy.Observe(now + TimeSpan.FromSeconds(15), inService: 3, inFlight: 1));
        Assert.True(policy.Terminated);
        Assert.False(policy.ShouldCheck(now + TimeSpan.FromHours(1), T0));
        Assert.Equal(CooldownAction.Stay, policy.Observe(now + TimeSpan.FromHours(1), inService: 9, inFlight: 0));
    }

    [Fact]
    public void Observe_AtInFlightPlusSpare_StaysAndRechecksAfterWindow()
    {
        var policy = Policy(spare: 2);
        var now = T0 + Cooldown;

        Assert.Equal(CooldownAction.Stay, policy.Observe(now, inService: 5, inFlight: 3));
        Assert.False(policy.ShouldCheck(now + Window - TimeSpan.FromSeconds(1), T0));
        Assert.True(policy.ShouldCheck(now + Window, T0));
    }

    [Fact]
    public void Observe_ConfirmationSeesGroupShrunk_StaysInstead()
    {
        var policy = Policy(spare: 0);
        var now = T0 + Cooldown;

        Assert.Equal(CooldownAction.Confirm, policy.Observe(now, inService: 2, inFlight: 1));
        // A peer left meanwhile: the second look finds the group at in-flight + spare.
        Assert.Equal(CooldownAction.Stay, policy.Observe(now + Window, inService: 1, inFlight: 1));
        Assert.False(policy.Terminated);
    }

    [Fact]
    public void Busy_DuringConfirmation_StartsOver()
    {
        var policy = Policy(spare: 0);
        var now = T0 + Cooldown;
        Assert.Equal(CooldownAction.Confirm, policy.Observe(now, inService: 2, inFlight: 0));

        policy.Busy();

        var idleAgain = now + TimeSpan.FromSeconds(10);
        Assert.False(policy.ShouldCheck(idleAgain + Cooldown - TimeSpan.FromSeconds(1), idleAgain));
        Assert.Equal(CooldownAction.Confirm, policy.Observe(idleAgain + Cooldown, inService: 2, inFlight: 0));
    }

    [Fact]
    public void Refused_AtGroupMinimum_ServesOnAndRetriesLater()
    {
        var policy = Policy(spare: 0, random: 0);
        var now = T0 + Cooldown;
        policy.Observe(now, 2, 0);
        Assert.Equal(CooldownAction.Terminate, policy.Observe(now, 2, 0));

        policy.Refused(now);

        Assert.False(policy.Terminated);
        Assert.True(policy.ShouldCheck(now + Window, T0));
    }
}
