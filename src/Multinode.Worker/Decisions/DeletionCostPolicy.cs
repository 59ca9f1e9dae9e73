using System.Globalization;

namespace Multinode.Worker.Decisions;

/// <summary>The value of this pod's <c>controller.kubernetes.io/pod-deletion-cost</c>, free of I/O. The ReplicaSet
/// controller removes lower costs first: a busy pod is <see cref="Busy"/>, an idle one the negated seconds it has
/// been idle, so the longest-idle pod goes first. Idle values are published at most once per
/// <paramref name="interval"/>; the busy value once per idle-to-busy change.</summary>
public sealed class DeletionCostPolicy(TimeSpan interval)
{
    public const int Busy = 1_000_000;
    private const int Floor = -1_000_000;

    private int? _published;
    private DateTimeOffset _publishedAt = DateTimeOffset.MinValue;

    /// <summary>The cost to publish now, or null when nothing should be sent. <paramref name="idleSince"/> is null
    /// while an invocation runs.</summary>
    public int? Next(DateTimeOffset now, DateTimeOffset? idleSince)
    {
        if (idleSince is not { } since) return _published == Busy ? null : Busy;
        var idle = now - since;
        if (idle < interval || now - _publishedAt < interval) return null;
        var cost = (int)Math.Max(Floor, -Math.Floor(idle.TotalSeconds));
        return cost == _published ? null : cost;
    }

    public void Published(DateTimeOffset now, int cost)
    {
        _published = cost;
        _publishedAt = now;
    }

    /// <summary>The merge patch that sets the annotation.</summary>
    public static string Patch(int cost) =>
        """{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":""" + "\"" + cost.ToString(CultureInfo.InvariantCulture) + "\"}}}";
}
