using System.Text.Json;
using System.Xml.Linq;
using Multinode.Infra.Simulation;

namespace Multinode.Infra.Cli.Tests;

public sealed class SimulateCommandTests : CliFixture
{
    private static readonly string Program = Repo.File("examples", "aws-inference");
    private static readonly string Seed = Repo.File("examples", "load", "seed.csv");

    [Fact]
    public void Simulate_Json_HasTheDocumentedShape()
    {
        var (code, stdout, stderr) = Run("simulate", Program, "--load", Seed, "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["seconds", "parameters", "workloads"], json.RootElement.EnumerateObject().Select(p => p.Name));
        // Every platform parameter with its value, under its flag's name.
        var parameters = json.RootElement.GetProperty("parameters");
        Assert.Equal(["start", .. PlatformParameters.All.Select(p => p.Flag)], parameters.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-01T00:00:00Z", parameters.GetProperty("start").GetString());
        Assert.Equal(90, parameters.GetProperty("instance-boot").GetInt32());
        // The traced Function, then the ScheduledTask and the Daemon, simulated as planned without a trace line.
        var workloads = json.RootElement.GetProperty("workloads").EnumerateArray().ToList();
        Assert.Equal(["Function", "ScheduledTask", "Daemon"], workloads.Select(w => w.GetProperty("kind").GetString()));
        var workload = workloads[0];
        Assert.Equal(["name", "kind", "target", "series", "summary", "explanations", "removals"], workload.EnumerateObject().Select(p => p.Name));
        Assert.Equal("generate", workload.GetProperty("name").GetString());
        Assert.Equal("Function", workload.GetProperty("kind").GetString());
        Assert.Equal("aws", workload.GetProperty("target").GetString());
        var series = workload.GetProperty("series").EnumerateArray().ToList();
        Assert.All(series, p => Assert.Equal(["seconds", "demand", "ideal", "desired", "running", "booting", "busy", "waiting"],
            p.EnumerateObject().Select(x => x.Name)));
        // The seed on AWS (SimulatorTests.Run_SeedOnAws_…): a running worker raises desired at 2 s, the new instances
        // serve at 92 s, the load ends at 600 s, the idle workers end themselves one by one from 901 s to 924 s, then
        // 60 s of tail.
        Assert.Equal([0, 2, 92, 600, 900, 901, 903, 905, 907, 910, 912, 914, 917, 919, 921, 924, 983],
            series.Select(p => p.GetProperty("seconds").GetInt32()));
        // At 2 s: 13 instances launched and booting, 2 running and busy, 11 invocations waiting.
        var launch = series[1];
        Assert.Equal((13, 2, 11), (launch.GetProperty("booting").GetInt32(), launch.GetProperty("busy").GetInt32(), launch.GetProperty("waiting").GetInt32()));
        var summary = workload.GetProperty("summary");
        Assert.Equal(["workerSeconds", "idealWorkerSeconds", "maxAboveIdeal", "maxBelowIdeal", "waitSeconds", "launchedWorkerSeconds",
                "cost", "costWithBoot", "idealCost"],
            summary.EnumerateObject().Select(p => p.Name));
        // The same worker-seconds as SimulatorTests.Run_SeedOnAws_… (2 × 92 + 15 × 808 + 207 while they end + 2 × 60).
        Assert.Equal(2 * 92 + 15 * 808 + 207 + 2 * 60, summary.GetProperty("workerSeconds").GetInt64());
        // Plus the 13 instances' 90 s boot, paid from launch.
        Assert.Equal(2 * 92 + 15 * 808 + 207 + 2 * 60 + 13 * 90, summary.GetProperty("launchedWorkerSeconds").GetInt64());
        // 11 invocations wait until 92 s.
        Assert.Equal(11 * 92, summary.GetProperty("waitSeconds").GetDouble());
        // The 13 workers above 2 end themselves from 901 s to 924 s, each idle for more than cooldownPeriod (300 s).
        var removals = workload.GetProperty("removals").EnumerateArray().ToList();
        Assert.Equal(13, removals.Count);
        Assert.All(removals, r => Assert.Equal("worker", r.GetProperty("by").GetString()));
        Assert.All(removals, r => Assert.InRange(r.GetProperty("idleSeconds").GetInt32(), 301, 330));
        // The explanation of the stretch below ideal, as in text and Markdown.
        Assert.StartsWith("running stayed below ideal for 92 s from 0 s", workload.GetProperty("explanations")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_TargetKubernetes_SimulatesTheSameProgramOnKeda()
    {
        var (code, stdout, stderr) = Run("simulate", Program, "--load", Seed, "--target", "kubernetes", "--format", "markdown");
        Assert.True(code == 0, stderr);
        Assert.Contains("### Function `generate` on kubernetes", stdout, StringComparison.Ordinal);
        Assert.Contains("| worker time | 13180 worker-s (3.66 worker-h) | 13620 worker-s (3.78 worker-h) |", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_Text_ExplainsTheDeviationsInWords()
    {
        var (code, stdout, _) = Run("simulate", Program, "--load", Seed);
        Assert.Equal(0, code);
        Assert.Contains("a running worker raising desired (it looks every 10 s) raised desired to 15 at 2 s (2 s), then start-up (90 s).",
            stdout.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ModelFlag_ChangesTheResult()
    {
        var (code, stdout, _) = Run("simulate", Program, "--load", Seed, "--format", "json", "--instance-boot", "30", "--metric-lag", "0");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var series = json.RootElement.GetProperty("workloads")[0].GetProperty("series").EnumerateArray();
        // A worker raises desired at 2 s (metric lag plays no part there); the 30 s boot serves at 32 s, not 92 s.
        Assert.Equal([0, 2, 32], series.Select(p => p.GetProperty("seconds").GetInt32()).Take(3));
    }

    [Fact]
    public void Simulate_MarkdownWithPlot_LinksThePlotRelativeToTheCurrentFolder()
    {
        // Markdown resolves a link against the document's place (CommonMark: link destinations are URIs), so an
        // absolute path of this machine breaks wherever the comment or file is read.
        Directory.CreateDirectory(Path.Combine(Dir, "out dir"));
        var (code, stdout, stderr) = RunIn(Dir, "simulate", Program, "--load", Seed, "--format", "markdown",
            "--plot", Path.Combine(Dir, "out dir", "seed.svg"));
        Assert.True(code == 0, stderr);
        Assert.Contains("](out%20dir/seed.svg)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Dir, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_PlotPng_IsAPngOfAPanelPerSimulatedWorkload()
    {
        var file = Path.Combine(Dir, "seed.png");
        var (code, _, stderr) = Run("simulate", Program, "--load", Seed, "--plot", file);
        Assert.True(code == 0, stderr);
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // IHDR: width and height, big-endian, at bytes 16..23.
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        // Three panels: the traced Function, the ScheduledTask and the Daemon.
        Assert.Equal(3 * 320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.InRange(bytes.Length, 10_000, 200_000);
        // Every panel is drawn, not only the last: each is opaque (a cleared one is transparent) with its title, axes and
        // legend in dark pixels.
        using var image = SkiaSharp.SKBitmap.Decode(bytes);
        for (var panel = 0; panel < 3; panel++)
        {
            var (opaque, dark) = (0, 0);
            for (var y = panel * 320; y < (panel + 1) * 320; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    var pixel = image.GetPixel(x, y);
                    if (pixel.Alpha < 255) continue;
                    opaque++;
                    if (pixel is { Red: < 100, Green: < 100, Blue: < 100 }) dark++;
                }
            }
            Assert.True(opaque == 900 * 320 && dark > 1000, $"panel {panel}: {opaque} opaque and {dark} dark pixels; it was not drawn");
        }
    }

    [Fact]
    public void Simulate_PlotOfManyWorkloads_TwelvePanelsAPageAndAWorkloadFilter()
    {
        // 14 Functions: panels 1-12 in many.png, 13-14 in many-2.png; the Markdown links both by relative path.
        var program = Path.Combine(Dir, "many");
        Directory.CreateDirectory(program);
        File.WriteAllText(Path.Combine(program, "Pulumi.yaml"), "name: many\nruntime: yaml\nconfig:\n  multinode:target:\n    value: kubernetes\n" +
            "  multinode:kubernetes:\n    value:\n      queue:\n        kind: redis\n        address: redis:6379\nresources:\n" +
            string.Concat(Enumerable.Range(1, 14).Select(i => $"  f{i}:\n    type: multinode:index:Function\n    properties:\n      image: i\n")));
        var trace = Path.Combine(Dir, "many.csv");
        File.WriteAllText(trace, "seconds,workload,demand\n" + string.Concat(Enumerable.Range(1, 14).Select(i => $"0,f{i},{i}\n600,f{i},0\n")));
        var (code, stdout, stderr) = RunIn(Dir, "simulate", program, "--load", trace, "--plot", "many.png", "--format", "markdown");
        Assert.True(code == 0, stderr);
        static int Height(string file) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(File.ReadAllBytes(file).AsSpan(20));
        Assert.Equal(12 * 320, Height(Path.Combine(Dir, "many.png")));
        Assert.Equal(2 * 320, Height(Path.Combine(Dir, "many-2.png")));
        Assert.Contains("](many.png)", stdout, StringComparison.Ordinal);
        Assert.Contains("](many-2.png)", stdout, StringComparison.Ordinal);
        // Only the workloads --workload names are shown and drawn.
        (code, stdout, stderr) = Run("simulate", program, "--load", trace, "--workload", "f3", "--workload", "f14",
            "--plot", Path.Combine(Dir, "two.png"), "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(["f3", "f14"], json.RootElement.GetProperty("workloads").EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        Assert.Equal(2 * 320, Height(Path.Combine(Dir, "two.png")));
        (code, _, stderr) = Run("simulate", program, "--load", trace, "--workload", "nope");
        Assert.Equal(2, code);
        Assert.Contains("--workload nope: no such workload", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_PlotSvg_IsSvgWithTheThreeSeriesAndAPanelPerWorkload()
    {
        var program = Repo.File("examples", "pr-comment", "head");
        var file = Path.Combine(Dir, "load.svg");
        var (code, _, stderr) = Run("simulate", program, "--load", Repo.File("examples", "pr-comment", "load.csv"), "--plot", file);
        Assert.True(code == 0, stderr);
        var svg = XDocument.Load(file).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("900", svg.Attribute("width")!.Value);
        // The two traced workloads and the ScheduledTask.
        Assert.Equal("960", svg.Attribute("height")!.Value);
        var text = svg.ToString();
        Assert.InRange(new FileInfo(file).Length, 20_000, 1_000_000);
        Assert.Contains("running", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_BadTrace_ExitsOneNamingFileLineAndColumnOfEveryProblemAtOnce()
    {
        // A syntax problem (line 2) and a problem only the program reveals (line 3) come in the same run.
        var trace = Path.Combine(Dir, "bad.csv");
        File.WriteAllText(trace, "seconds,workload,demand\n0,generate,x\n0,nope,1\n");
        var (code, _, stderr) = Run("simulate", Program, "--load", trace);
        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal($"{trace}:2:12: demand = \"x\" is not a number ≥ 0", lines[0]);
        Assert.StartsWith($"{trace}:3:3: workload \"nope\" in the trace is not in the program (its workloads: generate, finetune",
            lines[1], StringComparison.Ordinal);
        Assert.Equal($"{trace}: 2 problems found; nothing was simulated.", lines[2]);
    }

    [Fact]
    public void Simulate_MissingTraceOrBadPlotName_ExitsTwo()
    {
        Assert.Equal(2, Run("simulate", Program, "--load", Path.Combine(Dir, "none.csv")).Code);
        Assert.Equal(2, Run("simulate", Program).Code);
        var (code, _, stderr) = Run("simulate", Program, "--load", Seed, "--plot", Path.Combine(Dir, "x.gif"));
        Assert.Equal(2, code);
        Assert.Contains("must end in .png or .svg", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ParameterOutOfRange_ExitsTwoNamingFlagAndRange()
    {
        var (code, _, stderr) = Run("simulate", Program, "--load", Seed, "--hpa-sync", "0", "--instance-boot", "1.5");
        Assert.Equal(2, code);
        Assert.Equal("error: --instance-boot = 1.5 is not a whole number\nerror: --hpa-sync = 0 is outside 1..86400\n", stderr);
        (code, _, stderr) = Run("simulate", Program, "--load", Seed, "--seconds", "0");
        Assert.Equal(2, code);
        Assert.Contains("--seconds = 0 is outside 1..777600", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_WithLoad_AddsSimulatedWorkerTimeWaitAndCostPerChangedWorkload()
    {
        var (code, stdout, stderr) = Run("diff", Repo.File("examples", "pr-comment", "base"), Repo.File("examples", "pr-comment", "head"),
            "--load", Repo.File("examples", "pr-comment", "load.csv"), "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var workloads = json.RootElement.GetProperty("workloads").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
        var embed = workloads["embed"].GetProperty("simulated");
        Assert.Equal(["before", "after"], embed.EnumerateObject().Select(p => p.Name));
        // Spare 1 → 2: the head keeps one more worker warm and starts with 2 serving instead of 1.
        Assert.True(embed.GetProperty("after").GetProperty("waitSeconds").GetDouble() < embed.GetProperty("before").GetProperty("waitSeconds").GetDouble());
        Assert.False(workloads["nightly-report"].TryGetProperty("simulated", out _));
    }

    [Theory]
    [InlineData("examples/aws-inference", "finetune", "aws")]
    [InlineData("examples/aws-inference", "finetune", "kubernetes")]
    [InlineData("examples/kubernetes-inference", "ocr", "kubernetes")]
    [InlineData("examples/kubernetes-sqs", "transcode", "kubernetes")]
    [InlineData(".", "transcode", "aws")]
    public void Simulate_JobWavesOnEveryExample_LoseNoExecution(string program, string job, string target)
    {
        // 20 executions of 120 s, then 10 more of 600 s an hour later: every one completes on both targets.
        var trace = Path.Combine(Dir, "jobs.csv");
        File.WriteAllText(trace, $"seconds,workload,demand,duration\n0,{job},20,120\n3600,{job},10,600\n");
        var (code, stdout, stderr) = Run("simulate", Repo.File([.. program.Split('/')]), "--load", trace, "--target", target,
            "--workload", job, "--format", "json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var executions = json.RootElement.GetProperty("workloads")[0].GetProperty("summary").GetProperty("executions");
        Assert.Equal((30, 30, 0), (executions.GetProperty("enqueued").GetInt32(), executions.GetProperty("completed").GetInt32(),
            executions.GetProperty("lost").GetInt32()));
    }

    [Fact]
    public void Simulate_WithoutTheMachinesTzdata_GivesTheSameOutput()
    {
        // The schedules' time zones come from the embedded tables, never from the machine: TZDIR pointing nowhere
        // (where .NET would look for tzdata) changes nothing. examples/aws-inference has a ScheduledTask in America/New_York.
        var trace = Path.Combine(Dir, "none.csv");
        File.WriteAllText(trace, "seconds,workload,demand\n");
        string[] args = ["simulate", Program, "--load", trace, "--seconds", "43200", "--format", "json"];
        var usual = Process(args, null);
        var without = Process(args, "/nonexistent");
        Assert.True(usual.Code == 0, usual.Err);
        Assert.True(without.Code == 0, without.Err);
        Assert.Equal(usual.Out, without.Out);
        // usage-report (30 6 * * 1-5, America/New_York) fires at 06:30 EST = 11:30 UTC = 41400 s; desired 1 30 s later.
        Assert.Contains("\"seconds\": 41430", without.Out, StringComparison.Ordinal);
    }

    private static (int Code, string Out, string Err) Process(string[] args, string? tzdir)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", typeof(Cli).Assembly.Location }.Concat(args)) start.ArgumentList.Add(arg);
        if (tzdir is not null) start.Environment["TZDIR"] = tzdir;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
