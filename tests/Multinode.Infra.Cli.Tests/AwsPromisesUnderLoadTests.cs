using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Multinode.Infra.Cli.Tests;

/// <summary>Issue 20's "Done when", checked through `multinode simulate` on the repository's AWS programs. The seed
/// Function is examples/aws-inference's "generate" (maxWorkers 30, spareWorkers 2, cooldownPeriod 300), booting in
/// the default 90 s.</summary>
public sealed class AwsPromisesUnderLoadTests : CliFixture
{
    private static readonly string Inference = Repo.File("examples", "aws-inference");
    private const int Cooldown = 300, Boot = 90;

    private List<JsonElement> Workloads(string program, string trace, params string[] more)
    {
        var file = Path.Combine(Dir, $"load-{Guid.NewGuid():N}.csv");
        var header = trace.Split('\n')[0].Count(c => c == ',') == 3 ? "seconds,workload,demand,duration" : "seconds,workload,demand";
        File.WriteAllText(file, header + "\n" + trace);
        var (code, stdout, stderr) = Run(["simulate", program, "--load", file, "--format", "json", .. more]);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        return [.. json.RootElement.GetProperty("workloads").EnumerateArray().Select(w => w.Clone())];
    }

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static JsonElement Named(List<JsonElement> workloads, string name) =>
        workloads.Single(w => w.GetProperty("name").GetString() == name);

    private static List<(int Seconds, int Running, int Desired, int Busy)> Series(JsonElement workload) =>
        [.. workload.GetProperty("series").EnumerateArray()
            .Select(p => (Int(p, "seconds"), Int(p, "running"), Int(p, "desired"), Int(p, "busy")))];

    private static int RunningAt(JsonElement workload, int t) => Series(workload).Last(p => p.Seconds <= t).Running;

    [Fact]
    public void SeedFunction_15RunningWithin180sOfTheLoadAndBackTo2WithinCooldownPlus60()
    {
        var generate = Named(Workloads(Inference, "0,generate,13\n600,generate,0\n"), "generate");
        // 13 in flight + 2 spare = 15, at most boot + 90 s = 180 s after the load starts (issue 20).
        Assert.Equal(15, RunningAt(generate, 180));
        // Back to 2 by load end + cooldownPeriod + 60 s = 960 s.
        Assert.Equal(2, RunningAt(generate, 600 + Cooldown + 60));
        Assert.All(Series(generate).Where(p => p.Seconds >= 960), p => Assert.Equal(2, p.Running));
    }

    /// <summary>Step, ramp, sawtooth, spike above maxWorkers and a six-hour diurnal load, as trace lines.</summary>
    public static TheoryData<string, string> Loads()
    {
        var ramp = new StringBuilder();
        for (var i = 0; i <= 20; i++) ramp.Append(CultureInfo.InvariantCulture, $"{i * 60},generate,{i}\n");
        ramp.Append("1260,generate,0\n");
        var saw = new StringBuilder();
        for (var tooth = 0; tooth < 4; tooth++)
            for (var i = 0; i < 10; i++)
                saw.Append(CultureInfo.InvariantCulture, $"{tooth * 600 + i * 60},generate,{i * 2}\n");
        saw.Append("2400,generate,0\n");
        var diurnal = new StringBuilder();
        for (var m = 0; m < 360; m += 5)
        {
            var demand = (int)Math.Round(2 + 18 * Math.Pow(Math.Sin(Math.PI * m / 360), 2));
            diurnal.Append(CultureInfo.InvariantCulture, $"{m * 60},generate,{demand}\n");
        }
        diurnal.Append("21600,generate,0\n");
        return new()
        {
            { "step", "0,generate,13\n600,generate,0\n" },
            { "ramp", ramp.ToString() },
            { "sawtooth", saw.ToString() },
            { "spike", "0,generate,45\n120,generate,0\n" },
            { "diurnal", diurnal.ToString() },
        };
    }

    [Theory]
    [MemberData(nameof(Loads))]
    public void Function_NoWorkerIsRemovedWhileIdleForLessThanItsCooldown(string shape, string trace)
    {
        var generate = Named(Workloads(Inference, trace), "generate");
        var removals = generate.GetProperty("removals").EnumerateArray().ToList();
        // Every load leaves the pool with more than minSize (2) after it: workers are removed, each idle ≥ cooldown.
        Assert.NotEmpty(removals);
        Assert.All(removals, r => Assert.True(Int(r, "idleSeconds") >= Cooldown,
            $"{shape}: a worker removed at {Int(r, "seconds")} s by the {r.GetProperty("by")} after {Int(r, "idleSeconds")} s idle"));
    }

    [Fact]
    public void Job_20ExecutionsOf120sWithMaxConcurrency5_AllCompleteWithNoWaveGapLongerThanBootPlus60()
    {
        File.WriteAllText(Path.Combine(Dir, "Pulumi.yaml"), """
            name: jobs
            runtime: yaml
            config:
              multinode:target: aws
              multinode:aws:
                value:
                  vpcId: vpc-0123456789abcdef0
                  subnetIds: [subnet-0123456789abcdef1, subnet-0123456789abcdef2]
            resources:
              j:
                type: multinode:index:Job
                properties: { image: ghcr.io/example/batch:1.0, maxConcurrency: 5 }
            """);
        var job = Named(Workloads(Dir, "0,j,20,120\n"), "j");
        var executions = job.GetProperty("summary").GetProperty("executions");
        Assert.Equal((20, 20, 0), (Int(executions, "enqueued"), Int(executions, "completed"), Int(executions, "lost")));
        // A wave gap: from the first execution start to the last end, a stretch where no worker runs an execution.
        var series = Series(job);
        var first = series.First(p => p.Busy > 0).Seconds;
        var last = series.Last(p => p.Busy > 0);
        var end = series.First(p => p.Seconds > last.Seconds).Seconds;
        for (var i = 0; i < series.Count - 1; i++)
        {
            if (series[i].Seconds < first || series[i].Seconds >= end || series[i].Busy > 0) continue;
            var resume = series.Skip(i).First(p => p.Busy > 0 || p.Seconds >= end).Seconds;
            Assert.True(resume - series[i].Seconds <= Boot + 60,
                $"no execution ran from {series[i].Seconds} s to {resume} s");
        }
    }

    /// <summary>Every AWS Service in the repository's programs, with its minReplicas and declared cpu.</summary>
    public static TheoryData<string, string, int, double> Services() => new()
    {
        { "examples/aws-inference", "gateway", 2, 1 },
        { ".", "api", 2, 2 },
        { "examples/pr-comment/base", "api", 2, 2 },
        { "examples/pr-comment/head", "api", 2, 4 },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Service_ScalesOutUnderCpuAboveItsTargetAndBackInAfter(string program, string name, int min, double cpu)
    {
        // For 30 minutes the demand is every minReplicas replica's full declared cpu (100 % > every target ≤ 0.65),
        // then a tenth of one replica's for two hours.
        var folder = program == "." ? Repo.Root() : Repo.File(program.Split('/'));
        var trace = string.Create(CultureInfo.InvariantCulture,
            $"0,{name},{min * cpu}\n1800,{name},{cpu / 10}\n9000,{name},{cpu / 10}\n");
        var service = Named(Workloads(folder, trace), name);
        var series = Series(service);
        Assert.True(series.Where(p => p.Seconds < 1800).Max(p => p.Running) > min, $"{program} {name} never scaled out");
        Assert.Equal(min, series[^1].Running);
        Assert.Equal(min, series[^1].Desired);
    }
}
