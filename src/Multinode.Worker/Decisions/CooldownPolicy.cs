using System.Globalization;
using Multinode.Worker.Platforms;

namespace Multinode.Worker.Decisions;

/// <summary>The per-worker cooldown of a Function on AWS, free of I/O (docs/worker.md, "Per-worker cooldown").
/// <list type="number">
/// <item>While busy and until <paramref name="cooldown"/> has passed since its last invocation ended, the worker
/// keeps its instance protected from scale-in, so no pool-level decision removes it (EC2 Auto Scaling user guide,
/// "Use instance scale-in protection": a scale-in that finds only protected instances decrements desired capacity
/// but terminates none until their protection is removed).</item>
/// <item>Then it drops protection and, after a random pause within [window/2, window] (millisecond resolution),
/// reads the group once: with excess = in service − (in flight + <paramref name="spare"/>) &gt; 0, the unprotected
/// in-service instances ordered by id are the candidates, and the first <c>excess</c> of them leave. Every worker
/// reading the same count picks the same ones, so simultaneous looks never remove more than the excess; the pause
/// after dropping protection lets a peer's earlier termination (and its dropped protection) show up first.</item>
/// <item>It never goes below the group's MinSize (the terminate decrements desired capacity).</item>
/// </list></summary>
public sealed class CooldownPolicy(TimeSpan cooldown, int spare, TimeSpan confirmWindow, Func<double> random)
{
    private DateTimeOffset? _nextLook;

    public TimeSpan Cooldown => cooldown;

    /// <summary>True while the instance must stay protected: busy (<paramref name="idleSince"/> null) or idle for
    /// less than the cooldown.</summary>
    public bool WantsProtection(DateTimeOffset now, DateTimeOffset? idleSince) => idleSince is not { } since || now - since < cooldown;

    /// <summary>Protection is off (the cooldown has passed): the first look comes after a random pause.</summary>
    public void Unprotected(DateTimeOffset now) => _nextLook ??= now + Pause();

    /// <summary>True when the group should be read now.</summary>
    public bool LookDue(DateTimeOffset now) => _nextLook is { } at && now >= at;

    /// <summary>An invocation started: looks stop until the cooldown has passed again.</summary>
    public void Busy() => _nextLook = null;

    /// <summary>Decides on one reading of the group and the queue's in-flight count; when staying, the next look
    /// comes after another random pause.</summary>
    public (bool Leave, string Why) Decide(DateTimeOffset now, string self, GroupView group, long inFlight)
    {
        var excess = group.InService - (inFlight + spare);
        var candidates = group.Instances.Where(i => i.LifecycleState == "InService" && !i.Protected)
            .Select(i => i.Id).Order(StringComparer.Ordinal).ToList();
        var rank = candidates.IndexOf(self);
        var counts = string.Create(CultureInfo.InvariantCulture,
            $"{group.InService} in service, {inFlight} in flight + {spare} spare, " +
            $"desired {group.DesiredCapacity}, min {group.MinSize}");
        string? stay = excess <= 0 ? "not above in flight + spare"
            : group.DesiredCapacity - 1 < group.MinSize ? "the group is at its MinSize"
            : rank < 0 ? "this instance is not an unprotected in-service one"
            : rank >= excess ? string.Create(CultureInfo.InvariantCulture, $"{excess} other idle instance(s) leave first")
            : null;
        if (stay is null) return (true, counts);
        _nextLook = now + Pause();
        return (false, $"{counts}: staying, {stay}");
    }

    /// <summary>The terminate call failed: look again after a pause.</summary>
    public void Refused(DateTimeOffset now) => _nextLook = now + Pause();

    private TimeSpan Pause() => TimeSpan.FromMilliseconds(Math.Round(confirmWindow.TotalMilliseconds * (0.5 + 0.5 * random())));
}
