using Multinode.Worker.Queues;

namespace Multinode.Worker.Tests.Queues;

/// <summary>SQS holds a received message at most 12 hours from its receipt; an extension past that is rejected
/// (SQS API Reference, ChangeMessageVisibility). The worker's extensions ask for at most what is left.</summary>
public sealed class SqsHoldTests
{
    private static readonly DateTimeOffset Received = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    // While the lease fits in what is left, the whole lease.
    [InlineData(42900, 300, 42900)]
    [InlineData(3600, 1200, 3600)]
    // At 8 h, 4 h are left of the 12: the extension asks for 4 h, not the lease.
    [InlineData(42900, 28800, 14400)]
    // A short lease is never raised.
    [InlineData(300, 43000, 200)]
    [InlineData(300, 0, 300)]
    // At and past 12 h nothing is left to ask for.
    [InlineData(42900, 43200, 0)]
    [InlineData(42900, 43300, -100)]
    public void Hold_IsTheLeaseWithinTwelveHoursOfReceipt(int leaseSeconds, int elapsedSeconds, int expectedSeconds)
    {
        var hold = SqsWorkQueue.Hold(TimeSpan.FromSeconds(leaseSeconds), Received,
            Received + TimeSpan.FromSeconds(elapsedSeconds));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), hold);
    }

    [Fact]
    public void Hold_RoundsDownToWholeSeconds()
    {
        var hold = SqsWorkQueue.Hold(TimeSpan.FromSeconds(42900), Received,
            Received + TimeSpan.FromSeconds(30000.4));
        Assert.Equal(TimeSpan.FromSeconds(13199), hold);
    }
}
