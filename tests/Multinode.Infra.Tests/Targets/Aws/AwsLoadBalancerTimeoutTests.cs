namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// The load balancer in front of a Service must not cut a request its replica is still working on. The Application
/// Load Balancer closes a connection on which no data was sent for its idle timeout: attribute
/// <c>idle_timeout.timeout_seconds</c>, "The valid range is 1-4000 seconds. The default is 60 seconds." (Elastic Load
/// Balancing, User Guide for Application Load Balancers, "Load balancer attributes"; @pulumi/aws
/// <c>lb.LoadBalancer.idleTimeout</c>, default 60).
/// </summary>
public sealed class AwsLoadBalancerTimeoutTests
{
    private static string Service(int timeout) => $"""
        api:
          type: multinode:index:Service
          properties:
            image: img
            timeoutSeconds: {timeout}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(300)]
    [InlineData(3601)]
    [InlineData(4000)]
    public void Plan_Service_IdleTimeoutCoversTimeoutSecondsWithinAlbRange(int timeout)
    {
        var idle = AwsPlanning.PlanOne(Service(timeout)).Child("api-lb").Number("idleTimeout");
        Assert.True(idle >= timeout, $"idle timeout {idle} s < timeoutSeconds {timeout}");
        Assert.InRange(idle, 60, 4000);
    }

    [Fact]
    public void Validate_ServiceTimeoutAboveAlbLimit_FailsNamingTheLimitAndWhy()
    {
        var failure = Assert.Single(AwsPlanning.Failures(Service(5000)));
        // The sentence docs/errors.md shows.
        Assert.Equal("Service \"api\": timeoutSeconds = 5000 is above the limit of 4000 for a Service on AWS: " +
            "its requests pass an Application Load Balancer, whose idle timeout (at most 4000 s) " +
            "would close a request that sends nothing for longer (HTTP 504)", failure);
        Assert.Single(AwsPlanning.Failures(Service(4001)));
    }

    [Fact]
    public void Validate_FunctionTimeoutAboveAlbLimit_IsFine() =>
        AwsPlanning.PlanOne("""
            f:
              type: multinode:index:Function
              properties:
                image: img
                timeoutSeconds: 7200
            """);
}
