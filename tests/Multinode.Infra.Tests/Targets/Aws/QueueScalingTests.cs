using Multinode.Infra.Targets.Aws;

namespace Multinode.Infra.Tests.Targets.Aws;

public sealed class QueueScalingTests
{
    [Fact]
    public void ScaleInDelay_CooldownOf300_IsTenOneMinuteDatapoints()
    {
        var scaling = new QueueScaling(30, 2, 300);
        Assert.Equal(60, scaling.Period);
        Assert.Equal(10, scaling.ScaleInEvaluationPeriods);
        Assert.Equal(600, scaling.ScaleInDelaySeconds);
    }

    [Fact]
    public void StartSteps_SpareEqualsMax_IsOneOpenEndedStep() =>
        Assert.Equal([(0, (int?)null, 4)], new QueueScaling(4, 4, 60).StartSteps);

    [Fact]
    public void StartSteps_MoreThanTwentyInstances_CapsAtAwsStepLimitAndGoesOpenEnded()
    {
        var steps = new QueueScaling(100, 0, 60).StartSteps;
        Assert.Equal(QueueScaling.MaxSteps, steps.Count);
        Assert.Equal((0, (int?)1, 1), steps[0]);
        Assert.Equal((19, (int?)null, 20), steps[^1]);
    }

    [Fact]
    public void StartSteps_NeverExceedMax()
    {
        var steps = new QueueScaling(3, 1, 60).StartSteps;
        Assert.Equal([2, 3], steps.Select(s => s.Adjustment));
    }

    [Fact]
    public void ScaleInSteps_RemoveOneInstanceWhateverTheExcess() =>
        Assert.Equal([(0, (int?)null, -1)], new QueueScaling(30, 2, 60).ScaleInSteps);
}
