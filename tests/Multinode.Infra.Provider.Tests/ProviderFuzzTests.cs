using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pulumirpc;
using Xunit.Abstractions;

namespace Multinode.Infra.Provider.Tests;

/// <summary>
/// Seeded fuzz of the real host, driven as the engine drives it: Configure, CheckConfig and Construct requests across
/// kinds, targets, preview and update, with nulls, wrong types, long strings, deep nesting, NaN, secrets and unknowns in
/// every position. Every answer must come within a second, be OK or INVALID_ARGUMENT naming the property (UNAVAILABLE only
/// for an unusable monitor endpoint), never quote a secret, and every accepted input must be planned without a plaintext
/// secret or a null in any child. <c>MULTINODE_FUZZ_COUNT</c> and <c>MULTINODE_FUZZ_SEED</c> change the run.
/// </summary>
public sealed class ProviderFuzzTests(ITestOutputHelper output) : HostedPlugin(calls: new EngineCalls(Fuzzer.EngineDeadline))
{

    [Fact]
    public async Task Fuzz_SeededRequests_EveryAnswerTimelyNamedAndSecretFree()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("MULTINODE_FUZZ_COUNT"), out var c) ? c : 3000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MULTINODE_FUZZ_SEED"), out var s) ? s : 20261128;
        var fuzzer = new Fuzzer(new ResourceProvider.ResourceProviderClient(_channel!), _engine, _engineAddress, seed,
            _channel!.CreateCallInvoker());
        var watch = Stopwatch.StartNew();
        await fuzzer.RunAsync(count);
        output.WriteLine($"fuzz seed {seed}: {count} requests in {watch.Elapsed.TotalSeconds:F1} s");
        foreach (var (outcome, n) in fuzzer.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) output.WriteLine($"  {outcome}: {n}");
        foreach (var (problem, example) in fuzzer.Problems.OrderBy(p => p.Key, StringComparer.Ordinal))
            output.WriteLine($"  PROBLEM {problem}: {example}");
        if (Environment.GetEnvironmentVariable("MULTINODE_FUZZ_REPORT") is { Length: > 0 } report)
            await File.WriteAllLinesAsync(report, fuzzer.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}\t{o.Value}")
                .Concat(fuzzer.Problems.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"PROBLEM {p.Key}\t{p.Value}")));
        Assert.True(fuzzer.Problems.Count == 0,
            string.Join("\n", fuzzer.Problems.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")));
    }
}

/// <summary>Generates requests from a seed and checks each answer; tallies outcomes and the first example of each problem.</summary>
internal sealed partial class Fuzzer(ResourceProvider.ResourceProviderClient client, FakeEngine engine, string monitor, int seed,
    CallInvoker raw)
{
    /// <summary>The plugin's deadline for calls to the (fake) engine: under the fuzzer's own, so a monitor that never
    /// answers is seen as the plugin's DEADLINE_EXCEEDED; long enough that a fake engine starved of CPU while the other
    /// test projects run beside this one (2 cores in CI) still answers a normal registration in time (0.5 s did not).</summary>
    public static readonly TimeSpan EngineDeadline = TimeSpan.FromSeconds(2);

    /// <summary>Every secret the fuzzer sends contains this; it must never be readable outside a secret.</summary>
    public const string Marker = "s3cr3t";

    /// <summary>Every answer within this (more than <see cref="EngineDeadline"/>, so the plugin's own deadline shows).</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private static readonly string[] Kinds = ["Function", "Job", "Service", "ScheduledTask", "Daemon"];
    private readonly Random _random = new(seed);
    private int _secrets;

    public Dictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    public async Task RunAsync(int count)
    {
        engine.AnswerOutputs = true;
        // The first calls pay for JIT compilation (the published plugin is Native AOT); they are not timed.
        foreach (var target in new[] { "aws", "kubernetes" })
        {
            await client.ConfigureAsync(new ConfigureRequest
            {
                Args = Struct.Parser.ParseJson("{\"target\":\"" + target + "\",\"aws\":{\"subnetIds\":[\"subnet-a\",\"subnet-b\"],\"vpcId\":\"vpc-1\"}}"),
            });
            foreach (var kind in Kinds)
            {
                await client.ConstructAsync(new ConstructRequest
                {
                    Project = "proj", Stack = "dev", Type = $"multinode:index:{kind}", Name = $"warmup-{target}-{kind.ToLowerInvariant()}",
                    Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", MonitorEndpoint = monitor,
                    Inputs = Struct.Parser.ParseJson(kind == "ScheduledTask" ? """{"image":"nginx","schedule":"0 3 * * *"}""" : """{"image":"nginx"}"""),
                });
                await client.CheckConfigAsync(new CheckRequest { News = Struct.Parser.ParseJson("""{"target":7}""") });
            }
        }
        await LargeRequestsAsync();
        for (var i = 0; i < count; i++)
        {
            var roll = _random.NextDouble();
            if (roll < 0.12) await CheckConfigAsync();
            else if (roll < 0.25) await ConfigureAsync();
            else if (roll < 0.26) await CorruptAsync();
            else if (roll < 0.263) await SilentMonitorAsync(i); // each costs EngineDeadline: a few per run
            else await ConstructAsync(i);
        }
    }

    private void Count(string outcome) => Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;

    private void Problem(string kind, string example)
    {
        Count("problem: " + kind);
        Problems.TryAdd(kind, example.Length > 400 ? example[..400] + "…" : example);
    }

    private CallOptions Options() => new(deadline: DateTime.UtcNow + Deadline);

    private async Task CheckConfigAsync()
    {
        var news = Config();
        try
        {
            var response = await client.CheckConfigAsync(new CheckRequest { News = news }, Options());
            Count(response.Failures.Count == 0 ? "CheckConfig OK" : "CheckConfig OK with failures");
            foreach (var f in response.Failures)
            {
                if (f.Property.Length == 0) Problem("CheckConfig failure without property", f.Reason);
                CheckMessage("CheckConfig", f.Reason);
            }
        }
        catch (RpcException e)
        {
            Status("CheckConfig", e, news.ToString());
        }
    }

    private async Task ConfigureAsync()
    {
        var args = Config();
        try
        {
            await client.ConfigureAsync(new ConfigureRequest { Args = args, AcceptSecrets = true, AcceptResources = true }, Options());
            Count("Configure OK");
        }
        catch (RpcException e)
        {
            Status("Configure", e, args.ToString());
        }
    }

    private async Task ConstructAsync(int i)
    {
        var kind = Pick(Kinds);
        var dryRun = _random.NextDouble() < 0.5;
        var name = _random.NextDouble() < 0.9 ? $"w{i}" : Pick(OddNames());
        var badEndpoint = _random.NextDouble() < 0.03;
        var request = new ConstructRequest
        {
            Project = "proj",
            Stack = "dev",
            Type = _random.NextDouble() < 0.02 ? "multinode:index:Functon" : $"multinode:index:{kind}",
            Name = name,
            Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
            MonitorEndpoint = badEndpoint ? Pick(["", "127.0.0.1:1", "not a host", "http://[::1"]) : monitor,
            DryRun = dryRun,
            Inputs = Inputs(kind, dryRun),
            AcceptsOutputValues = true,
        };
        engine.DryRun = dryRun;
        engine.Registered.Clear();
        var watch = Stopwatch.StartNew();
        try
        {
            await client.ConstructAsync(request, Options());
            Count("Construct OK");
            CheckChildren(request);
        }
        catch (RpcException e) when (badEndpoint && e.StatusCode == StatusCode.Unavailable)
        {
            Count("Construct UNAVAILABLE (bad endpoint)");
            CheckMessage("Construct", e.Status.Detail);
        }
        catch (RpcException e)
        {
            Status("Construct", e, $"{request.Type} {request.Name} at {request.MonitorEndpoint}, dryRun {dryRun}, {watch.ElapsedMilliseconds} ms: {request.Inputs}");
        }
    }

    /// <summary>An error answer: INVALID_ARGUMENT naming each property, nothing else.</summary>
    private void Status(string rpc, RpcException e, string request)
    {
        CheckMessage(rpc, e.Status.Detail);
        if (e.StatusCode != StatusCode.InvalidArgument)
        {
            Problem($"{rpc} {e.StatusCode}", $"{e.Status.Detail} <- {request}");
            return;
        }
        Count($"{rpc} INVALID_ARGUMENT");
        var bytes = e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey);
        if (bytes is null)
        {
            Problem($"{rpc} INVALID_ARGUMENT without property details", e.Status.Detail);
            return;
        }
        var details = Google.Rpc.Status.Parser.ParseFrom(bytes);
        var errors = details.Details.Select(d => d.Unpack<InputPropertiesError>()).SelectMany(d => d.Errors).ToList();
        if (errors.Count == 0 || errors.Any(x => x.PropertyPath.Length == 0))
            Problem($"{rpc} INVALID_ARGUMENT without property named", e.Status.Detail);
        foreach (var x in errors) CheckMessage(rpc, x.Reason);
    }

    private void CheckMessage(string rpc, string message)
    {
        if (message.Contains(Marker, StringComparison.OrdinalIgnoreCase)) Problem($"{rpc}: secret in message", message);
        if (message.Contains("   at ", StringComparison.Ordinal)) Problem($"{rpc}: stack trace in message", message);
        if (message.Contains("_NoValue", StringComparison.Ordinal) || message.Contains("Overflow_", StringComparison.Ordinal) ||
            ResourceKey().IsMatch(message))
            Problem($"{rpc}: raw .NET resource key in message", message);
    }

    /// <summary>Every child: no plaintext secret anywhere in what is registered, no null anywhere in its inputs.</summary>
    private void CheckChildren(ConstructRequest request)
    {
        var children = engine.Registered.Where(r => r.Custom).ToList();
        if (children.Count == 0) Problem("Construct OK without children", request.Inputs.ToString());
        // Secrets never vanish: an accepted secret input is carried, as a secret, into some child.
        if (request.Inputs.ToString().Contains(PropertyConverter.SecretSig, StringComparison.Ordinal) &&
            !children.Any(c => c.Object.ToString().Contains(PropertyConverter.SecretSig, StringComparison.Ordinal)))
            Problem("secret input dropped", request.Inputs.ToString());
        foreach (var child in children)
        {
            foreach (var path in WireSecrets.PlainPaths(child, Marker))
                Problem("plaintext secret in a child", $"{child.Type} {child.Name}: {path}");
            foreach (var (key, value) in child.Object.Fields)
                Walk(value, $"{child.Type} {child.Name}.{key}");
        }
    }

    private void Walk(Value value, string path)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.NullValue or Value.KindOneofCase.None:
                Problem("null in a child input", path);
                break;
            case Value.KindOneofCase.ListValue:
                for (var i = 0; i < value.ListValue.Values.Count; i++) Walk(value.ListValue.Values[i], $"{path}[{i}]");
                break;
            case Value.KindOneofCase.StructValue:
                if (value.StructValue.Fields.TryGetValue(PropertyConverter.SignatureKey, out var sig) && sig.StringValue == PropertyConverter.SecretSig)
                    break;
                foreach (var (k, v) in value.StructValue.Fields) Walk(v, $"{path}.{k}");
                break;
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static string[] OddNames() => ["", "Web", "a b", "x-", new string('n', 30000), "café", "a\u0000b", "-a", "a.b"];

    // ---- values ----

    private Value Secret(Value inner) => Value.ForStruct(new Struct
    {
        Fields = { [PropertyConverter.SignatureKey] = Value.ForString(PropertyConverter.SecretSig), ["value"] = inner },
    });

    private Value OutputValue(Value? inner, bool secret) => Value.ForStruct(new Struct
    {
        Fields =
        {
            [PropertyConverter.SignatureKey] = Value.ForString(PropertyConverter.OutputValueSig),
            ["secret"] = Value.ForBool(secret),
            ["dependencies"] = Value.ForList(Value.ForString("urn:pulumi:dev::proj::aws:ecr/image:Image::img")),
        },
    }.Also(s => { if (inner is not null) s.Fields["value"] = inner; }));

    private string SecretText() => $"{Marker}-{_secrets++}";

    private Value Unknown() => Value.ForString(PropertyConverter.UnknownString);

    private Value Deep(int depth)
    {
        var v = Value.ForString("leaf");
        for (var i = 0; i < depth; i++)
            v = _random.NextDouble() < 0.5 ? Value.ForStruct(new Struct { Fields = { ["k"] = v } }) : Value.ForList(v);
        return v;
    }

    /// <summary>Something wrong or odd in place of <paramref name="good"/>.</summary>
    private Value Mutate(Value good, bool dryRun)
    {
        switch (_random.Next(16))
        {
            case 0: return Value.ForNull();
            case 1: return Value.ForNumber(Pick([double.NaN, double.PositiveInfinity, -1, 1e308, 0.5, 7]));
            case 2: return Value.ForString(new string('x', Pick([30000, 100000])));
            case 3: return Value.ForBool(true);
            case 4: return Deep(Pick([40, 120, 200]));
            case 5: return Secret(good);
            case 6: return Secret(Value.ForString(SecretText()));
            case 7: return Secret(Value.ForStruct(new Struct { Fields = { ["A"] = Value.ForString(SecretText()) } }));
            case 8: return dryRun ? Unknown() : good;
            case 9: return OutputValue(dryRun ? null : good, _random.NextDouble() < 0.5);
            case 10: return Value.ForList(good, Value.ForNull());
            case 11: return Value.ForStruct(new Struct { Fields = { ["x"] = good, ["\u0001multinode:0"] = Value.ForNull() } });
            case 12: return Value.ForString("\u0001multinode:0");
            case 13: return Value.ForString("\u0001multinode-list:0");
            case 14: return Value.ForString(Pick(["", " ", "\n", "\t\u0007", "💥", "a\u0000b"]));
            default: return Value.ForList(Enumerable.Range(0, 300).Select(n => Value.ForString($"v{n}")).ToArray());
        }
    }

    private Value Maybe(Value good, bool dryRun) => _random.NextDouble() < 0.12 ? Mutate(good, dryRun) : good;

    private Struct Inputs(string kind, bool dryRun)
    {
        var fields = new Struct();
        void Put(string key, Value good, double present = 1)
        {
            if (_random.NextDouble() < present) fields.Fields[key] = Maybe(good, dryRun);
        }
        var image = _random.Next(4) switch
        {
            0 => Value.ForString("ghcr.io/example/app:1"),
            1 => Secret(Value.ForString($"123456789012.dkr.ecr.us-east-1.amazonaws.com/{SecretText()}:1")),
            2 => Value.ForString("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1"),
            _ => dryRun ? Unknown() : Value.ForString("nginx"),
        };
        Put("image", image, 0.97);
        Put("command", Value.ForList(Value.ForString("python"), Value.ForString("-m")), 0.3);
        Put("args", Value.ForList(Value.ForString("serve"), _random.NextDouble() < 0.3 ? Secret(Value.ForString(SecretText())) : Value.ForString("--x")), 0.3);
        var env = new Struct { Fields = { ["PLAIN"] = Value.ForString("1") } };
        if (_random.NextDouble() < 0.5) env.Fields["TOKEN"] = Secret(Value.ForString(SecretText()));
        if (dryRun && _random.NextDouble() < 0.2) env.Fields["LATER"] = Unknown();
        var envValue = _random.Next(6) switch
        {
            0 => Secret(Value.ForStruct(new Struct { Fields = { ["TOKEN"] = Value.ForString(SecretText()) } })),
            1 => dryRun ? Unknown() : Value.ForStruct(env),
            _ => Value.ForStruct(env),
        };
        Put("env", envValue, 0.6);
        var resources = new Struct { Fields = { ["cpu"] = Value.ForNumber(Pick([0.5, 1, 2, 4])), ["memory"] = Value.ForString(Pick(["512Mi", "2Gi", "16 GiB"])) } };
        if (_random.NextDouble() < 0.1)
            resources.Fields["gpu"] = Value.ForStruct(new Struct { Fields = { ["type"] = Value.ForString(Pick(["t4", "a10g", "h100"])), ["count"] = Value.ForNumber(1) } });
        if (_random.NextDouble() < 0.1) resources.Fields["memory"] = Maybe(Value.ForString(Pick(["99999999999999999999Gi", "1e30Ti", "-1Gi"])), dryRun);
        if (_random.NextDouble() < 0.1) resources.Fields["cpu"] = Mutate(Value.ForNumber(1), dryRun);
        Put("resources", Value.ForStruct(resources), 0.5);
        Put("timeoutSeconds", Value.ForNumber(Pick([30, 300, 3600])), 0.3);
        var tags = new Struct { Fields = { ["team"] = Value.ForString("ml") } };
        var tagsValue = _random.Next(8) switch
        {
            0 => Secret(Value.ForStruct(new Struct { Fields = { ["team"] = Value.ForString(SecretText()) } })),
            1 => Value.ForStruct(new Struct { Fields = { ["team"] = Value.ForString(new string('t', 300)) } }),
            2 => Value.ForStruct(new Struct { Fields = { ["team"] = Value.ForString("a\u0007b") } }),
            _ => Value.ForStruct(tags),
        };
        Put("tags", tagsValue, 0.4);
        switch (kind)
        {
            case "Function":
                Put("maxWorkers", Value.ForNumber(Pick([1, 10, 100])), 0.5);
                Put("spareWorkers", Value.ForNumber(Pick([0, 1])), 0.5);
                Put("cooldownPeriod", Value.ForNumber(Pick([0, 60, 600])), 0.5);
                break;
            case "Job":
                Put("maxConcurrency", Value.ForNumber(Pick([1, 10])), 0.5);
                break;
            case "Service":
                Put("minReplicas", Value.ForNumber(Pick([1, 2])), 0.5);
                Put("maxReplicas", Value.ForNumber(Pick([2, 10])), 0.5);
                Put("port", Value.ForNumber(Pick([80, 8080])), 0.5);
                Put("healthCheckPath", Value.ForString("/healthz"), 0.3);
                Put("targetCpuUtilization", Value.ForNumber(0.6), 0.3);
                break;
            case "ScheduledTask":
                Put("schedule", Value.ForString(Pick(["0 3 * * *", "*/5 * * * *"])), 0.97);
                Put("timeZone", Value.ForString(Pick(["UTC", "Europe/Berlin", new string('z', 30000)])), 0.3);
                break;
        }
        Put("instanceTypes", Value.ForList(Value.ForString("m5.large"), _random.Next(3) switch
        {
            0 => Secret(Value.ForString(SecretText())),
            1 => Unknown(),
            _ => Value.ForString("c5.xlarge"),
        }), 0.1);
        if (_random.NextDouble() < 0.01)
            fields.Fields["args"] = Value.ForList([.. Enumerable.Range(0, 32_000).Select(n => Value.ForString($"a{n}"))]);
        if (_random.NextDouble() < 0.05) fields.Fields[Pick(["imgae", "replicas", new string('k', 5000)])] = Value.ForString("x");
        if (_random.NextDouble() < 0.03)
            for (var i = 0; i < 400; i++) fields.Fields[$"unknownProperty{i}"] = Value.ForString(new string('v', 200));
        return fields;
    }

    private Struct Config()
    {
        var target = _random.NextDouble() < 0.5 ? "aws" : "kubernetes";
        var aws = new Struct
        {
            Fields =
            {
                ["subnetIds"] = Value.ForList(Value.ForString("subnet-a"), Value.ForString("subnet-b")),
                ["vpcId"] = Value.ForString("vpc-1"),
            },
        };
        // Config secrets: a whole secret list or one secret item, with and without the vpcId the lookup needs.
        switch (_random.Next(8))
        {
            case 0: aws.Fields["subnetIds"] = Secret(Value.ForList(Value.ForString(SecretText()), Value.ForString("subnet-b"))); break;
            case 1: aws.Fields["subnetIds"] = Value.ForList(Secret(Value.ForString(SecretText())), Value.ForString("subnet-b")); break;
            case 2: aws.Fields["securityGroupIds"] = Secret(Value.ForList(Value.ForString(SecretText()))); break;
            case 3: aws.Fields["securityGroupIds"] = Value.ForList(Secret(Value.ForString(SecretText())), Value.ForString("sg-1")); break;
        }
        if (_random.NextDouble() < 0.3) aws.Fields.Remove("vpcId");
        var kubernetes = new Struct { Fields = { ["namespace"] = Value.ForString("apps") } };
        var config = new Struct { Fields = { ["target"] = Maybe(Value.ForString(target), false), ["version"] = Value.ForString("0.1.0") } };
        if (target == "aws" || _random.NextDouble() < 0.2)
            config.Fields["aws"] = _random.NextDouble() < 0.85 ? Value.ForStruct(aws) : Mutate(Value.ForStruct(aws), false);
        if (target == "kubernetes" || _random.NextDouble() < 0.2)
            config.Fields["kubernetes"] = _random.NextDouble() < 0.85 ? Value.ForStruct(kubernetes) : Mutate(Value.ForStruct(kubernetes), false);
        if (_random.NextDouble() < 0.1)
            config.Fields["quotas"] = Mutate(Value.ForStruct(new Struct { Fields = { ["cpu"] = Value.ForNumber(10000) } }), false);
        if (_random.NextDouble() < 0.05) config.Fields["maxHourlyCost"] = Mutate(Value.ForNumber(1000), false);
        return config;
    }
}

internal static class FuzzExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
