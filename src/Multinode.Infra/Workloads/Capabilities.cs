namespace Multinode.Infra.Workloads;

// What a kind does, declared once and implemented by the kind's record, so that code outside the kind definitions and
// the targets asks "does it run on a schedule?" rather than "which kind is it?". A new kind that implements the
// right capabilities is simulated, priced and printed without a change there.

/// <summary>A kind whose work arrives through a queue: the worker sidecar (DESIGN section 7) takes each message and
/// posts it to the user's container on <see cref="Port"/>.</summary>
public interface IQueueWorkload
{
    /// <summary>Where the user's container serves <c>POST /invoke</c>.</summary>
    int Port { get; }
}

/// <summary>A kind whose workers scale with the load it receives (in-flight work or CPU): it has a load trace and
/// Multinode's own rule for the ideal worker count (DESIGN section 1).</summary>
public interface IScalesWithLoad
{
    /// <summary>The ideal worker count per second for <paramref name="demand"/> per second.</summary>
    int[] Ideal(double[] demand);
}

/// <summary>A kind whose worker runs one execution (or run) and then ends.</summary>
public interface IRunsToCompletion;

/// <summary>A kind that runs on a cron schedule rather than on load.</summary>
public interface IRunsOnSchedule
{
    /// <summary>Canonical five-field cron expression.</summary>
    string Schedule { get; }

    /// <summary>Canonical IANA time zone the schedule is read in.</summary>
    string TimeZone { get; }
}

/// <summary>A kind whose replicas serve behind a load balancer; its demand is CPU cores.</summary>
public interface ILoadBalanced
{
    /// <summary>Where the load balancer forwards.</summary>
    int Port { get; }
}

/// <summary>Demand as the kinds' ideal rules read it.</summary>
public static class Demand
{
    /// <summary>Whole workers for <paramref name="demand"/>, forgiving floating-point noise just above a whole number.</summary>
    public static int Whole(double demand) => (int)Math.Ceiling(demand - 1e-9);
}
