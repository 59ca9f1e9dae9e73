using Multinode.Infra.Simulation;

namespace Multinode.Infra.Tests.Simulation;

/// <summary>A trace's problems come in one pass, each at its line and column: those of reading the CSV and those the
/// program reveals (issue 21: "trace problems are all collected in one pass, each with file:line:column").</summary>
public sealed class TraceProblemsTests
{
    private const string Program = Simulations.SeedFunction + """

        transcode:
          type: multinode:index:Job
          properties: { image: i, maxConcurrency: 4 }
        nightly:
          type: multinode:index:ScheduledTask
          properties: { image: i, schedule: "0 3 * * *" }
        """;

    [Fact]
    public void Run_TraceWithOneProblemOfEachClass_ReportsThemAllAtTheirPlaces()
    {
        // One of each: a field count, seconds, demand, duration, a duplicate step (reading); a workload the program
        // lacks, one that takes no trace, a duration on a Function, a fractional in-flight count (the program).
        const string trace = """
            seconds,workload,demand,duration
            0,square,1,2,9
            x,square,1
            10,square,y
            20,transcode,1,0
            30,square,2
            30,square,3
            40,sqaure,1
            50,nightly,1
            60,square,2,30
            70,square,1.5
            80,transcode,2,60
            """;
        var e = Assert.Throws<TraceException>(() =>
            Simulator.Run(Simulations.Plan(Program), LoadTrace.Read(trace), PlatformParameters.Default));
        Assert.Equal([
            "line 2, column 1: expected 3 or 4 fields (seconds,workload,demand[,duration]), found 5",
            "line 3, column 1: seconds = \"x\" is not a whole number of seconds from 0 to 604800",
            "line 4, column 11: demand = \"y\" is not a number ≥ 0",
            "line 5, column 16: duration = \"0\" is not a whole number of seconds from 1 to 604800",
            "line 7, column 1: workload \"square\" already has a step at 30 s",
            "line 8, column 4: workload \"sqaure\" in the trace is not in the program (its workloads: square, transcode, nightly)",
            "line 9, column 4: ScheduledTask \"nightly\" takes no load trace: a ScheduledTask is simulated from its " +
                "planned schedule; remove its lines",
            "line 10, column 13: Function \"square\" at 60 s: duration = 30 is for a workload that runs executions to " +
                "completion; a Function's demand has no duration",
            "line 11, column 11: Function \"square\" at 70 s: demand = 1.5 is not a whole number of in-flight invocations",
        ], e.Problems);
        Assert.Equal((8, 4), (e.Details[5].Line, e.Details[5].Column));
    }

    [Fact]
    public void Parse_UnreadableLine_StillThrowsOnItsOwn()
    {
        var e = Assert.Throws<TraceException>(() => LoadTrace.Parse("seconds,workload,demand\n0,a,x\n"));
        Assert.Equal(["line 2, column 5: demand = \"x\" is not a number ≥ 0"], e.Problems);
    }

    [Fact]
    public void Read_UnreadableLines_KeepsTheReadableSteps()
    {
        var trace = LoadTrace.Read("seconds,workload,demand\n0,a,x\n5,a,2\n");
        Assert.Equal([new TraceStep(5, 2)], trace.Workloads["a"]);
        Assert.Equal(new TracePlace(3, 1, 3, 5, 5), trace.Places[("a", 5)]);
        Assert.Single(trace.Unreadable);
    }
}
