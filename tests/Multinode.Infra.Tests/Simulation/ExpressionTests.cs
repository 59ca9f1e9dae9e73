using Multinode.Infra.Simulation;
using Multinode.Infra.Targets.Aws;

namespace Multinode.Infra.Tests.Simulation;

public class ExpressionTests
{
    private static Func<string, double> Vars(double visible, double inflight, double workers) => name => name switch
    {
        "visible" => visible,
        "inflight" => inflight,
        "workers" => workers,
        _ => double.NaN,
    };

    [Fact]
    public void Evaluate_PlannedTrackingExpression_IsInFlightPlusSparePerWorker()
    {
        var scaling = new QueueScaling(30, 2, 300);
        Assert.Equal(7.5, Expression.Evaluate(scaling.TrackingExpression, Vars(11, 2, 2)));
        // No in-service instance: no datapoint, so target tracking cannot act (the start policy does).
        Assert.True(double.IsNaN(Expression.Evaluate(scaling.TrackingExpression, Vars(11, 2, 0))));
        Assert.Equal(13, Expression.Evaluate(scaling.ScaleInExpression, Vars(0, 0, 15)));
    }

    [Fact]
    public void Evaluate_StartExpression_CountsInFlightOnlyAtZeroWorkers()
    {
        Assert.Equal(4, Expression.Evaluate(QueueScaling.StartExpression, Vars(3, 1, double.NaN)));
        Assert.Equal(0, Expression.Evaluate(QueueScaling.StartExpression, Vars(3, 1, 2)));
    }

    [Fact]
    public void Evaluate_KedaFormula_AddsTheTriggers()
    {
        Assert.Equal(15, Expression.Evaluate("pending + processing + 2", n => n == "pending" ? 11 : 2));
        Assert.Equal(-1, Expression.Evaluate("-(1 - 2) * 3 - 4 >= 0", _ => 0) - 1);
    }

    [Fact]
    public void Evaluate_BadText_SaysWhere()
    {
        var e = Assert.Throws<FormatException>(() => Expression.Evaluate("FILL(a, 0) +", _ => 0));
        Assert.Equal("expected a number, a name or '(' at position 13 of \"FILL(a, 0) +\"", e.Message);
        Assert.Equal("unknown function RATE/1 at position 8 of \"RATE(a) + 1\"",
            Assert.Throws<FormatException>(() => Expression.Evaluate("RATE(a) + 1", _ => 0)).Message);
    }
}
