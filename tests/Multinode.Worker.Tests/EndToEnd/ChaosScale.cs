namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>The size of the chaos tests. By default CI-sized; <c>MULTINODE_CHAOS_SCALE=full</c> runs issue 22's
/// size: 8 workers and 5,000 messages on Redis, 2,000 messages with 2 % of <c>DeleteMessage</c> calls failing on
/// SQS (<c>bench/worker/chaos.sh</c>).</summary>
internal static class ChaosScale
{
    public static bool Full => Environment.GetEnvironmentVariable("MULTINODE_CHAOS_SCALE") == "full";

    /// <summary>Workers, messages, and one kill (SIGKILL and SIGTERM alternately) per this many replies.</summary>
    public static (int Workers, int Messages, int KillEvery) Redis => Full ? (8, 5000, 250) : (4, 1000, 150);

    /// <summary>Messages, and one failed <c>DeleteMessage</c> in this many.</summary>
    public static (int Messages, int FailEvery) Sqs => Full ? (2000, 50) : (200, 10);

    /// <summary>How long the run may take: CI's limit, in proportion to the messages.</summary>
    public static TimeSpan Limit(TimeSpan small, int messages, int smallMessages) =>
        small * Math.Max(1.0, (double)messages / smallMessages);
}
