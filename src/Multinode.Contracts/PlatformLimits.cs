namespace Multinode.Contracts;

/// <summary>Limits the platforms impose on what a plan may ask for, each with its documented source.</summary>
public static class PlatformLimits
{
    /// <summary>An SQS message's visibility timeout can be extended to at most 12 hours from when it was received
    /// (Amazon SQS Developer Guide, "Amazon SQS visibility timeout"; SQS API Reference, ChangeMessageVisibility:
    /// "the maximum is 12 hours"; ReceiveMessage's VisibilityTimeout is 0 to 43,200 s).</summary>
    public const int SqsMaxVisibilitySeconds = 12 * 60 * 60;

    /// <summary>An Application Load Balancer's idle timeout, the attribute idle_timeout.timeout_seconds: 1 to 4000 s
    /// (Elastic Load Balancing, Application Load Balancers guide, "Connection idle timeout").</summary>
    public const int AlbMaxIdleTimeoutSeconds = 4000;

    /// <summary>A lifecycle hook's heartbeat timeout (HeartbeatTimeout): 30 to 7200 s (EC2 Auto Scaling API
    /// Reference, PutLifecycleHook). RecordLifecycleActionHeartbeat restarts it, up to a global timeout of 48 hours
    /// or 100 × the heartbeat timeout, whichever is smaller (EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling
    /// lifecycle hooks").</summary>
    public const int LifecycleHeartbeatMinSeconds = 30;

    /// <inheritdoc cref="LifecycleHeartbeatMinSeconds"/>
    public const int LifecycleHeartbeatMaxSeconds = 7200;

    /// <summary>The global timeout of a lifecycle action that is kept alive by heartbeats (48 hours; see
    /// <see cref="LifecycleHeartbeatMinSeconds"/>).</summary>
    public const int LifecycleGlobalTimeoutSeconds = 48 * 60 * 60;
}
