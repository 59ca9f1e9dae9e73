using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Workloads;
using Pulumirpc;

namespace Multinode.Infra.Provider.Tests;

/// <summary>
/// A marked secret in every input of every kind and in every config key, on both targets, in preview and update
/// (PROTOCOL.md: secrets arrive as secret envelopes): it appears in no registration, invoke argument, log or error
/// message except inside a secret, and it is never dropped: either a child holds it as a secret, or the Construct
/// (or Configure) fails naming the input. The inputs come from the kinds' and the config's own specs, so a new input
/// is covered without a change here.
/// </summary>
[Collection(nameof(SecretEverywhereTests))]
public sealed class SecretEverywhereTests() : HostedPlugin(withLog: true)
{
    private const string Marker = "s3cr3t";
    private const string Envelope = """{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":VALUE}""";

    /// <summary>Valid values that carry the marker (or, for a CIDR block, a text of its own), for inputs whose
    /// type's fallback would be refused for its content rather than for being secret.</summary>
    private static readonly Dictionary<string, (string Json, string Text)> Special = new(StringComparer.Ordinal)
    {
        ["image"] = ("\"ghcr.io/s3cr3t/app:1\"", Marker),
        ["certificateArn"] = ("\"arn:aws:acm:us-east-1:123456789012:certificate/s3cr3t-1\"", Marker),
        ["loadBalancerSourceRanges"] = ("[\"10.99.0.0/16\"]", "10.99.0.0"),
        ["healthCheckPath"] = ("\"/s3cr3t\"", Marker),
        ["aws.subnetIds"] = ("[\"subnet-s3cr3t\",\"subnet-b\"]", Marker),
        ["aws.vpcId"] = ("\"vpc-s3cr3t\"", Marker),
        ["aws.amiId"] = ("\"ami-s3cr3t\"", Marker),
        ["workerImage"] = ("\"ghcr.io/s3cr3t/worker:1\"", Marker),
    };

    /// <summary>A value of <paramref name="spec"/>'s type, carrying the marker where the type is text.</summary>
    private static (string Json, string? Text) ValueFor(string path, InputSpec spec)
    {
        if (Special.TryGetValue(path, out var special)) return special;
        return spec.Type switch
        {
            InputType.String when spec.Enum is { } e => ($"\"{e[0]}\"", null),
            InputType.String => ($"\"{Marker}-x\"", Marker),
            InputType.StringArray => ($"[\"{Marker}-x\"]", Marker),
            InputType.StringMap => ($"{{\"K\":\"{Marker}-x\"}}", Marker),
            InputType.Boolean => ("false", null),
            InputType.Object => ("{}", null),
            _ => (((spec.Default as Infra.Values.NumberValue)?.Value ?? spec.Min ?? 1)
                .ToString(System.Globalization.CultureInfo.InvariantCulture), null),
        };
    }

    private static IEnumerable<(string Path, InputSpec Spec)> Leaves(IReadOnlyList<InputSpec> specs, string prefix = "") =>
        specs.SelectMany(s => s.Type == InputType.Object && s.Properties.Count > 0
            ? Leaves(s.Properties, $"{prefix}{s.Name}.").Prepend(($"{prefix}{s.Name}", s))
            : [($"{prefix}{s.Name}", s)]);

    private ResourceProvider.ResourceProviderClient Client => new(_channel!);

    /// <summary>Component names are unique in a program (across kinds), and one plugin serves every Construct here.</summary>
    private int _names;

    private static string BaseConfig(string target) => target == "aws"
        ? """{"target":"aws","aws":{"subnetIds":["subnet-a","subnet-b"],"vpcId":"vpc-1"}}"""
        : """{"target":"kubernetes"}""";

    /// <summary>The secret as a whole value, and for a list or map also as its one secret item.</summary>
    private static IEnumerable<(string How, Struct Root)> Placements(string json, string path, string secretJson, InputSpec spec)
    {
        yield return ("whole", With(json, path, secretJson));
        var value = Value.Parser.ParseJson(secretJson);
        if (spec.Type == InputType.StringArray && value.KindCase == Value.KindOneofCase.ListValue)
        {
            var list = new ListValue();
            foreach (var item in value.ListValue.Values) list.Values.Add(Secret(item));
            yield return ("item", With(json, path, Value.ForList([.. list.Values])));
        }
        if (spec.Type == InputType.StringMap && value.KindCase == Value.KindOneofCase.StructValue)
        {
            var map = new Struct();
            foreach (var (key, item) in value.StructValue.Fields) map.Fields[key] = Secret(item);
            yield return ("item", With(json, path, Value.ForStruct(map)));
        }
    }

    private static Value Secret(Value inner) =>
        Value.Parser.ParseJson(Envelope.Replace("VALUE", Google.Protobuf.JsonFormatter.Default.Format(inner), StringComparison.Ordinal));

    private static Struct With(string json, string path, string secretJson) =>
        With(json, path, Secret(Value.Parser.ParseJson(secretJson)));

    private static Struct With(string json, string path, Value value)
    {
        var root = Struct.Parser.ParseJson(json);
        var parts = path.Split('.');
        var at = root;
        foreach (var part in parts[..^1])
        {
            if (!at.Fields.TryGetValue(part, out var next) || next.KindCase != Value.KindOneofCase.StructValue)
                at.Fields[part] = next = Value.ForStruct(new Struct());
            at = next.StructValue;
        }
        at.Fields[parts[^1]] = value;
        return root;
    }

    private ConstructRequest Request(string kind, Struct inputs, bool dryRun) => new()
    {
        Project = "proj",
        Stack = "dev",
        Type = $"multinode:index:{kind}",
        Name = $"w{++_names}",
        Parent = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
        MonitorEndpoint = _engineAddress,
        DryRun = dryRun,
        Inputs = inputs,
        Providers = { ["aws"] = "urn:pulumi:dev::proj::pulumi:providers:aws::default::id-aws" },
    };

    private static string BaseInputs(WorkloadKind kind) =>
        kind.Name == "ScheduledTask" ? """{"image":"nginx","schedule":"0 3 * * *"}""" : """{"image":"nginx"}""";

    /// <summary>Runs one call and returns what is wrong: plaintext anywhere, or a secret neither honoured nor refused
    /// by name.</summary>
    private async Task<IEnumerable<string>> Check(string what, string path, string? text, bool mayBeIgnored,
        Func<Task> call)
    {
        _engine.Registered.Clear();
        _engine.Logs.Clear();
        _engine.Invokes.Clear();
        RpcException? error = null;
        try { await call(); }
        catch (RpcException e) { error = e; }
        var problems = new List<string>();
        var messages = _engine.Logs.Select(l => l.Message).Concat(error is null ? [] : [error.Status.Detail]).ToList();
        if (text is not null)
        {
            problems.AddRange(messages.Where(m => m.Contains(text, StringComparison.Ordinal))
                .Select(m => $"{what}: in a message: {m}"));
            foreach (var r in _engine.Registered)
                problems.AddRange(WireSecrets.PlainPaths(r, text).Select(p => $"{what}: plaintext in {r.Type} at {p}"));
            foreach (var i in _engine.Invokes)
                problems.AddRange(WireSecrets.PlainPaths(i, text)
                    .Select(p => $"{what}: plaintext in invoke {i.Tok} at {p}"));
        }
        var refused = error is not null && (error.Status.Detail.Contains(path, StringComparison.Ordinal) ||
            error.Status.Detail.Contains(path.Split('.')[^1], StringComparison.Ordinal));
        // Where the text is encoded (the AWS boot script is base64), a secret in some child is what is left to see.
        var honoured = text is not null && _engine.Registered.Any(r => WireSecrets.InSecret(r.Object, text) ||
            (!r.Object.ToString().Contains(text, StringComparison.Ordinal) && WireSecrets.InSecret(r.Object, "")));
        if (!refused && !honoured && !mayBeIgnored)
            problems.Add($"{what}: dropped ({error?.Status.Detail ?? "accepted, in no child as a secret"})");
        return problems;
    }

    public static TheoryData<string, bool> Targets() =>
        new() { { "aws", true }, { "aws", false }, { "kubernetes", true }, { "kubernetes", false } };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task EveryInputOfEveryKind_SecretStaysSecretAndIsNeverDropped(string target, bool dryRun)
    {
        _engine.DryRun = dryRun;
        await Client.ConfigureAsync(new ConfigureRequest { Args = Struct.Parser.ParseJson(BaseConfig(target)) });
        var problems = new List<string>();
        var checkedInputs = 0;
        foreach (var kind in WorkloadKinds.All)
        {
            foreach (var (path, spec) in Leaves(kind.Inputs))
            {
                var (json, text) = ValueFor(path, spec);
                // An AWS-only input is ignored on Kubernetes by design, with a plan fact saying so.
                var ignored = target == "kubernetes" && spec.Description.StartsWith("AWS only", StringComparison.Ordinal);
                foreach (var (how, inputs) in Placements(BaseInputs(kind), path, json, spec))
                {
                    problems.AddRange(await Check($"{target} {(dryRun ? "preview" : "update")} {kind.Name}.{path} ({how})", path, text,
                        ignored, () => Client.ConstructAsync(Request(kind.Name, inputs, dryRun)).ResponseAsync));
                }
                checkedInputs++;
            }
        }
        Assert.True(checkedInputs > 50, $"only {checkedInputs} inputs were read from the kinds' specs");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task EveryConfigKey_SecretStaysSecretAndIsNeverDropped(string target, bool dryRun)
    {
        _engine.DryRun = dryRun;
        var problems = new List<string>();
        foreach (var (path, spec) in Leaves(ProviderConfigReader.Inputs).Where(l => l.Spec.Type != InputType.Object || l.Spec.Properties.Count == 0))
        {
            // The other target's block is not read; "target" chooses the target and is refused as a secret.
            if (path.StartsWith(target == "aws" ? "kubernetes." : "aws.", StringComparison.Ordinal)) continue;
            var (json, text) = ValueFor(path, spec);
            foreach (var (how, config) in Placements(BaseConfig(target), path, json, spec))
            {
                problems.AddRange(await Check($"{target} {(dryRun ? "preview" : "update")} config {path} ({how})", path, text, mayBeIgnored: false, async () =>
                {
                    await Client.ConfigureAsync(new ConfigureRequest { Args = config });
                    await Client.ConstructAsync(Request("Function", Struct.Parser.ParseJson("""{"image":"nginx"}"""), dryRun));
                }));
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>Some 600 Constructs: run alone, so that they do not starve the timing tests running beside them.</summary>
[CollectionDefinition(nameof(SecretEverywhereTests), DisableParallelization = true)]
public sealed class SecretEverywhereCollection;
