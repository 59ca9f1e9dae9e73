using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Multinode.Infra.Cli.Tests;

/// <summary>
/// Issues 19 and 20: `multinode simulate`'s running series against <see cref="IndependentAwsModel"/>, a model written
/// from the documentation, on step, ramp, sawtooth, spike (above maxWorkers) and six-hour diurnal loads of
/// examples/aws-inference's Function `generate`. The model's numbers come from the CLI's plan JSON (the group's
/// sizes, the worker's env in the user data) and from simulate's own `parameters` (the boot time, which no plan says).
/// </summary>
public sealed partial class IndependentModelTests : CliFixture
{
    private static readonly string Program = Repo.File("examples", "aws-inference");

    public static TheoryData<string> Loads => ["step", "ramp", "sawtooth", "spike", "diurnal"];

    /// <summary>Load changes (second, in flight) and the seconds simulated.</summary>
    private static (List<(int At, int Demand)> Changes, int Seconds) Load(string shape) => shape switch
    {
        "step" => ([(0, 13), (600, 0)], 1300),
        // +3 a minute up to 30 (= maxWorkers), then nothing.
        "ramp" => ([.. Enumerable.Range(0, 10).Select(i => (i * 60, 3 * (i + 1))), (600, 0)], 1400),
        // Three teeth of 300 s rising 4 → 20 a minute at a time.
        "sawtooth" => ([.. Enumerable.Range(0, 15).Select(i => (i * 60, 4 * (i % 5 + 1))), (900, 0)], 1700),
        // 40 in flight, above maxWorkers 30, for two minutes.
        "spike" => ([(0, 40), (120, 0)], 900),
        // Six hours, a new level every 5 minutes: 1 at night, 19 at the peak.
        "diurnal" => ([.. Enumerable.Range(0, 72).Select(i =>
            (i * 300, (int)Math.Round(10 - 9 * Math.Cos(2 * Math.PI * i * 300 / 21600.0)))), (21600, 0)], 22300),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown load shape"),
    };

    [Theory]
    [MemberData(nameof(Loads))]
    public void Simulate_Aws_RunningStaysWithinOneWorkerOfTheIndependentModel(string shape)
    {
        var (changes, seconds) = Load(shape);
        var csv = WriteLoad(shape, changes);
        var plan = Planned();
        var (code, stdout, stderr) = Simulate(Program, csv, seconds);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var boot = json.RootElement.GetProperty("parameters").GetProperty("instance-boot").GetInt32();
        var workload = json.RootElement.GetProperty("workloads").EnumerateArray()
            .Single(w => w.GetProperty("name").GetString() == "generate");
        var simulated = Expand(workload.GetProperty("series"), seconds);

        var demand = Demand(changes, seconds);
        var model = new IndependentAwsModel(plan.MinSize, plan.MaxSize, plan.Spare, plan.Cooldown, plan.ScaleOut, boot);
        var (running, removedIdle) = model.Run(demand);

        // Tolerance: the model picks its own scale-out phases and its own random confirm pauses, which the docs
        // leave open. So right after each change (rise: up to one scale-out period until a worker raises desired,
        // then the boot time) and, after a drop, while idle workers leave (cooldown + a random pause within the
        // confirm window, plus the scale-out period the last rotation may take), the two may differ by more than
        // one worker. Idle workers' cooldowns start up to one rotation before a drop: with d in flight on n workers
        // every worker is served once every ⌈n / d⌉ s (docs/simulation.md, "Which worker takes the work").
        // Everywhere else they must agree within one.
        var excused = new bool[seconds];
        foreach (var (at, level) in changes)
        {
            var before = at > 0 ? demand[at - 1] : 0;
            if (level > before) { Excuse(excused, at, plan.ScaleOut + boot + 1); continue; }
            var rotation = before > 0 ? (running[at - 1] + before - 1) / before : 0;
            Excuse(excused, at + plan.Cooldown - rotation, rotation + 2 * model.ConfirmWindow + plan.ScaleOut);
        }
        AssertWithinOne(shape, simulated, running, excused);

        // No worker removed while idle for less than cooldownPeriod, in the model and in the simulation.
        Assert.All(removedIdle, idle =>
            Assert.True(idle >= plan.Cooldown, $"{shape}: model removed a worker idle {idle} s"));
        Assert.All(workload.GetProperty("removals").EnumerateArray(), r => Assert.True(
            r.GetProperty("idleSeconds").GetInt32() >= plan.Cooldown,
            $"{shape}: simulate removed a worker idle {r.GetProperty("idleSeconds")} s by {r.GetProperty("by")}"));

        // Who removes them: docs/scaling.md says the workers end themselves and the safety net never fires in normal
        // operation, which the model follows (it has no net). Known disagreement (docs/simulation.md, "Known
        // disagreements with the independent model"): in the diurnal night rotation keeps 21 workers serving one
        // invocation in turn, none idles for cooldownPeriod, the net's excess alarm lowers desired under the
        // protected instances, and the group terminates each one the second its protection ends.
        var by = workload.GetProperty("removals").EnumerateArray()
            .Select(r => r.GetProperty("by").GetString()).Distinct().ToList();
        if (shape != "diurnal") Assert.All(by, b => Assert.Equal("worker", b));
    }

    [Theory]
    [MemberData(nameof(Loads))]
    public void Simulate_Kubernetes_RunningStaysWithinOneWorkerOfTheIndependentModel(string shape)
    {
        var (changes, seconds) = Load(shape);
        // The same program on the Kubernetes target: its config says so.
        var program = Path.Combine(Dir, "program");
        Directory.CreateDirectory(program);
        File.WriteAllText(Path.Combine(program, "Pulumi.yaml"), File.ReadAllText(Path.Combine(Program, "Pulumi.yaml"))
            .Replace("    value: aws\n", "    value: kubernetes\n", StringComparison.Ordinal));
        var csv = WriteLoad(shape, changes);
        var (code, planned, stderr) = Run("plan", program, "--format", "json");
        Assert.True(code == 0, stderr);
        using var plan = JsonDocument.Parse(planned);
        var spec = plan.RootElement.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "kubernetes:keda.sh/v1alpha1:ScaledObject"
                && r.GetProperty("parent").GetString() == "generate").GetProperty("inputs").GetProperty("spec");
        var advanced = spec.GetProperty("advanced");
        var formula = advanced.GetProperty("scalingModifiers").GetProperty("formula").GetString()!;
        Assert.Equal("1", advanced.GetProperty("scalingModifiers").GetProperty("target").GetString());
        var spare = int.Parse(formula.Split('+')[^1].Trim(), Invariant);
        var stabilization = advanced.GetProperty("horizontalPodAutoscalerConfig").GetProperty("behavior")
            .GetProperty("scaleDown").GetProperty("stabilizationWindowSeconds").GetInt32();

        (code, var stdout, stderr) = Simulate(program, csv, seconds);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var parameters = json.RootElement.GetProperty("parameters");
        var sync = parameters.GetProperty("hpa-sync").GetInt32();
        var podStart = parameters.GetProperty("pod-start").GetInt32();
        var workload = json.RootElement.GetProperty("workloads").EnumerateArray()
            .Single(w => w.GetProperty("name").GetString() == "generate");
        var simulated = Expand(workload.GetProperty("series"), seconds);
        var demand = Demand(changes, seconds);
        var model = new IndependentKedaModel(spec.GetProperty("minReplicaCount").GetInt32(),
            spec.GetProperty("maxReplicaCount").GetInt32(), spare, stabilization, sync,
            parameters.GetProperty("hpa-tolerance").GetDouble(), podStart);
        var cooldown = plan.RootElement.GetProperty("workloads").EnumerateArray()
            .Single(w => w.GetProperty("name").GetString() == "generate")
            .GetProperty("settings").GetProperty("cooldownPeriod").GetInt32();
        var (running, removals) = model.Run(demand, cooldown);

        // Tolerance: a rise is followed by up to one sync until the HPA acts, the pod start, and one sync per
        // doubling the scale-up policy allows (2 → 6 → 12 → 24 → 30 for the spike); a drop by the stabilization
        // window and one sync. Elsewhere within one.
        var excused = new bool[seconds];
        foreach (var (at, level) in changes)
        {
            var before = at > 0 ? demand[at - 1] : 0;
            if (level > before) Excuse(excused, at, podStart + sync * (1 + Doublings(before + spare, level + spare)));
            else Excuse(excused, at + stabilization, 2 * sync);
        }
        AssertWithinOne(shape, simulated, running, excused);
        // Counted per pool (the docs' promise on Kubernetes): no scale-down leaves fewer pods than in flight + spare
        // needed at any second of the cooldownPeriod before it.
        Assert.All(removals, r =>
            Assert.True(r.Left >= r.Needed, $"{shape}: the model left {r.Left} pods at {r.At} s, {r.Needed} needed"));
    }

    private static void Excuse(bool[] excused, int from, int length)
    {
        for (var t = Math.Max(0, from); t < Math.Min(excused.Length, from + length); t++) excused[t] = true;
    }

    private static void AssertWithinOne(string shape, int[] simulated, int[] model, bool[] excused)
    {
        // Not a vacuous test: a ramp and a sawtooth change every minute, still more than a third of the seconds count.
        var compared = excused.Count(e => !e);
        Assert.True(compared > excused.Length / 3, $"{shape}: only {compared} of {excused.Length} s compared");
        var apart = Enumerable.Range(0, excused.Length)
            .Where(t => !excused[t] && Math.Abs(simulated[t] - model[t]) > 1).ToList();
        var first = apart.FirstOrDefault();
        Assert.True(apart.Count == 0, $"{shape}: {apart.Count} s more than one worker apart, first at {first} s: " +
            $"simulated {simulated[first]}, model {model[first]}");
    }

    private static int Doublings(int from, int to)
    {
        var n = 0;
        for (var replicas = Math.Max(1, from); replicas < to; replicas = Math.Max(2 * replicas, replicas + 4)) n++;
        return n;
    }

    private static int[] Demand(List<(int At, int Demand)> changes, int seconds)
    {
        var demand = new int[seconds];
        for (var t = 0; t < seconds; t++) demand[t] = changes.Last(c => c.At <= t).Demand;
        return demand;
    }

    private string WriteLoad(string shape, List<(int At, int Demand)> changes)
    {
        var csv = Path.Combine(Dir, shape + ".csv");
        var text = new StringBuilder("seconds,workload,demand\n");
        foreach (var (at, d) in changes) text.Append(Invariant, $"{at},generate,{d}\n");
        File.WriteAllText(csv, text.ToString());
        return csv;
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static (int Code, string Out, string Err) Simulate(string program, string csv, int seconds) =>
        Run("simulate", program, "--load", csv, "--seconds", seconds.ToString(Invariant), "--format", "json");

    private static int[] Expand(JsonElement series, int seconds)
    {
        var points = series.EnumerateArray()
            .Select(p => (At: p.GetProperty("seconds").GetInt32(), Running: p.GetProperty("running").GetInt32()))
            .ToList();
        var result = new int[seconds];
        for (var t = 0; t < seconds; t++) result[t] = points.LastOrDefault(p => p.At <= t).Running;
        return result;
    }

    /// <summary>The Function's group sizes and worker env, read from `multinode plan --format json`.</summary>
    private static (int MinSize, int MaxSize, int Spare, int Cooldown, int ScaleOut) Planned()
    {
        var (code, stdout, stderr) = Run("plan", Program, "--format", "json");
        Assert.True(code == 0, stderr);
        // The plan lists the Function's children first: its launch template and group come before the others'.
        var generate = stdout;
        int Number(Regex pattern) => int.Parse(pattern.Match(generate).Groups[1].Value, Invariant);
        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(UserData().Match(generate).Groups[1].Value));
        Assert.Contains("MULTINODE_WORKLOAD=generate", userData, StringComparison.Ordinal);
        int Env(string name) => int.Parse(Regex.Match(userData, $"{name}=(\\d+)").Groups[1].Value, Invariant);
        return (Number(MinSize()), Number(MaxSize()), Env("MULTINODE_SPARE_WORKERS"), Env("MULTINODE_COOLDOWN_SECONDS"),
            Env("MULTINODE_SCALE_OUT_SECONDS"));
    }

    [GeneratedRegex("\"minSize\":\\s*(\\d+)")] private static partial Regex MinSize();
    [GeneratedRegex("\"maxSize\":\\s*(\\d+)")] private static partial Regex MaxSize();
    [GeneratedRegex("\"userData\":\\s*\"([^\"]+)\"")] private static partial Regex UserData();
}
