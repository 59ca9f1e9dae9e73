using Multinode.Infra.Simulation;

namespace Multinode.Infra.Tests.Simulation;

public class LoadTraceTests
{
    [Fact]
    public void Parse_StepsPerWorkload_DemandIsAStepFunctionFromZero()
    {
        var trace = LoadTrace.Parse("""
            # comment lines and blank lines are skipped

            seconds,workload,demand
            600,square,0
            0,square,13
            30,api,2.5
            """);
        Assert.Equal(600, trace.LastChange);
        Assert.Equal([new TraceStep(0, 13), new TraceStep(600, 0)], trace.Workloads["square"]);
        Assert.Equal([0, 2.5, 2.5], trace.DemandOf("api", 32)[29..]);
        Assert.Equal(13, trace.DemandOf("square", 700)[599]);
        Assert.Equal(0, trace.DemandOf("square", 700)[600]);
        Assert.Equal([0, 0, 0], trace.DemandOf("absent", 3));
    }

    [Fact]
    public void Parse_BadLines_NamesEveryLineAndColumn()
    {
        var e = Assert.Throws<TraceException>(() => LoadTrace.Parse("""
            seconds,workload,demand
            0,square,13
            x,square,2
            5,,1
            7,square,-1
            0,square,3
            1,square
            """));
        Assert.Equal([
            "line 3, column 1: seconds = \"x\" is not a whole number of seconds from 0 to 604800",
            "line 4, column 3: workload is empty; name a workload of the program",
            "line 5, column 10: demand = \"-1\" is not a number ≥ 0",
            "line 6, column 1: workload \"square\" already has a step at 0 s",
            "line 7, column 1: expected 3 fields (seconds,workload,demand), found 2",
        ], e.Problems);
    }

    [Fact]
    public void Parse_WrongHeaderOrEmpty_SaysWhatTheHeaderMustBe()
    {
        Assert.Equal(["line 1, column 1: the header must be \"seconds,workload,demand\" or \"seconds,workload,demand,duration\", found \"t,name,load\""],
            Assert.Throws<TraceException>(() => LoadTrace.Parse("t,name,load\n0,a,1\n")).Problems);
        Assert.Equal(["line 1, column 1: the trace is empty; it needs the header \"seconds,workload,demand\" and at least one step"],
            Assert.Throws<TraceException>(() => LoadTrace.Parse("\n# nothing\n")).Problems);
    }

    [Fact]
    public void Parse_DurationColumn_ReadsExecutionsAndChecksTheDuration()
    {
        var trace = LoadTrace.Parse("seconds,workload,demand,duration\n0,j,20,120\n30,f,4\n60,f,0,\n");
        Assert.Equal([new TraceStep(0, 20, 120)], trace.Workloads["j"]);
        Assert.Equal([new TraceStep(30, 4), new TraceStep(60, 0)], trace.Workloads["f"]);
        Assert.Equal([(0, 20, 120)], trace.ExecutionsOf("j", 300));
        Assert.Equal(["line 2, column 8: duration = \"0\" is not a whole number of seconds from 1 to 604800",
            "line 3, column 8: duration = \"1.5\" is not a whole number of seconds from 1 to 604800"],
            Assert.Throws<TraceException>(() => LoadTrace.Parse("seconds,workload,demand,duration\n0,j,20,0\n5,j,20,1.5\n")).Problems);
    }

    [Fact]
    public void ExecutionsOf_ThreeColumnJobLines_EnqueueTheRiseAndNeverEndExecutionsByADrop()
    {
        var trace = LoadTrace.Parse("seconds,workload,demand\n0,j,8\n300,j,0\n400,j,3\n");
        // 8 enqueued at 0; the drop at 300 ends nothing (executions end by their length); 3 more at 400.
        Assert.Equal([(0, 8, 90), (400, 3, 90)], trace.ExecutionsOf("j", 90));
    }
}
