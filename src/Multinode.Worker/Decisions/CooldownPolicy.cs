namespace Multinode.Worker.Decisions;

/// <summary>What the per-worker cooldown wants done next.</summary>
public enum CooldownAction
{
    /// <summary>Keep serving; look again later.</summary>
    Stay,
    /// <summary>The group looked over-provisioned once: read it again after a random pause before acting, so idle
    /// workers that reached their cooldown together do not all leave on the same stale count.</summary>
    Confirm,
    /// <summary>End this instance (TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity).</summary>
    Terminate,
}

/// <summary>The per-worker cooldown of a Function on AWS, free of I/O: a worker idle for at least
/// <paramref name="cooldown"/> leaves when the group has more in-service instances than in-flight invocations +
/// <paramref name="spare"/>, after a second look at a random moment within <paramref name="confirmWindow"/>.
/// It asks to terminate at most once.</summary>
public sealed class CooldownPolicy(TimeSpan cooldown, int spare, TimeSpan confirmWindow, Func<double> random)
{
    private enum Phase { Waiting, Confirming, Terminated }

    private Phase _phase = Phase.Waiting;
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    public bool Terminated => _phase == Phase.Terminated;

    /// <summary>True when the group should be read now: idle since <paramref name="idleSince"/> for at least the
    /// cooldown, and the next check (after a "stay" or during a confirmation pause) is due.</summary>
    public bool ShouldCheck(DateTimeOffset now, DateTimeOffset? idleSince) =>
        _phase != Phase.Terminated && idleSince is { } since && now - since >= cooldown && now >= _nextCheck;

    /// <summary>Decides on a fresh count of the group's in-service instances and the queue's in-flight messages.</summary>
    public CooldownAction Observe(DateTimeOffset now, long inService, long inFlight)
    {
        if (_phase == Phase.Terminated) return CooldownAction.Stay;
        if (inService <= inFlight + spare)
        {
            _phase = Phase.Waiting;
            _nextCheck = now + confirmWindow;
            return CooldownAction.Stay;
        }
        if (_phase == Phase.Waiting)
        {
            _phase = Phase.Confirming;
            _nextCheck = now + confirmWindow * random();
            return CooldownAction.Confirm;
        }
        _phase = Phase.Terminated;
        return CooldownAction.Terminate;
    }

    /// <summary>An invocation started: idleness, and any confirmation under way, end.</summary>
    public void Busy()
    {
        if (_phase == Phase.Confirming) _phase = Phase.Waiting;
        _nextCheck = DateTimeOffset.MinValue;
    }

    /// <summary>The terminate call was refused (e.g. the group is at its minimum): serve on, look again later.</summary>
    public void Refused(DateTimeOffset now)
    {
        _phase = Phase.Waiting;
        _nextCheck = now + confirmWindow;
    }
}
