using Multinode.Worker.Decisions;
using Multinode.Worker.Platforms;

namespace Multinode.Worker.Tests.Decisions;

public sealed class CooldownPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(300), Window = TimeSpan.FromSeconds(30);

    private static CooldownPolicy Policy(int spare = 1, double random = 0.5) => new(Cooldown, spare, Window, () => random);

    private static GroupView Group(int min, int desired, params (string Id, bool Protected)[] inService) =>
        new(min, 10, desired, [.. inService.Select(i => new GroupInstance(i.Id, "InService", i.Protected)),
            new GroupInstance("i-gone", "Terminating:Wait", false)]);

    [Fact]
    public void WantsProtection_BusyOrIdleShorterThanCooldown()
    {
        var policy = Policy();

        Assert.True(policy.WantsProtection(T0, null));
        Assert.True(policy.WantsProtection(T0 + Cooldown - TimeSpan.FromMilliseconds(1), T0));
        Assert.False(policy.WantsProtection(T0 + Cooldown, T0));
    }

    [Fact]
    public void Unprotected_FirstLookAfterARandomPauseWithinHalfToAWholeWindow_MillisecondResolution()
    {
        var policy = Policy(random: 0.3333);
        var dropped = T0 + Cooldown;

        policy.Unprotected(dropped);

        // 30 s × (0.5 + 0.5 × 0.3333) = 19.9995 s: not rounded to a second.
        Assert.False(policy.LookDue(dropped + TimeSpan.FromMilliseconds(19_999)));
        Assert.True(policy.LookDue(dropped + TimeSpan.FromMilliseconds(20_000)));
    }

    [Fact]
    public void Decide_SameReadingByEveryIdleWorker_OnlyTheExcessLeave()
    {
        // 5 in service, in flight 1 + spare 1: excess 3; the busy i-b is protected.
        var group = Group(0, 5, ("i-a", false), ("i-b", true), ("i-c", false), ("i-d", false), ("i-e", false));
        var leaving = new[] { "i-a", "i-c", "i-d", "i-e" }.Where(id => Policy().Decide(T0, id, group, inFlight: 1).Leave).ToList();

        Assert.Equal(["i-a", "i-c", "i-d"], leaving);
    }

    [Fact]
    public void Decide_AtInFlightPlusSpare_StaysAndLooksAgainAfterAPause()
    {
        var policy = Policy(spare: 2, random: 0);
        var (leave, why) = policy.Decide(T0, "i-a", Group(0, 3, ("i-a", false), ("i-b", true), ("i-c", true)), inFlight: 1);

        Assert.False(leave);
        Assert.EndsWith("staying, not above in flight + spare", why, StringComparison.Ordinal);
        Assert.False(policy.LookDue(T0 + Window / 2 - TimeSpan.FromMilliseconds(1)));
        Assert.True(policy.LookDue(T0 + Window / 2));
    }

    [Fact]
    public void Decide_AtMinSize_Stays()
    {
        var (leave, why) = Policy(spare: 0).Decide(T0, "i-a", Group(2, 2, ("i-a", false), ("i-b", false)), inFlight: 0);

        Assert.False(leave);
        Assert.EndsWith("the group is at its MinSize", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Busy_StopsLooksUntilUnprotectedAgain()
    {
        var policy = Policy(random: 0);
        policy.Unprotected(T0);

        policy.Busy();

        Assert.False(policy.LookDue(T0 + TimeSpan.FromHours(1)));
    }
}
