using System.Text.Json;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

/// <summary>A <c>runtime: nodejs</c> project as its Pulumi.yaml and stack file give it: the program itself is
/// run.</summary>
public sealed record NodeProject(string ProjectFile, string Project, YamlMappingNode Root,
    IReadOnlyDictionary<string, PropertyValue> Config, PropertyMap MultinodeConfig,
    IReadOnlyDictionary<(string Resource, string Path), SourcePlace> ConfigPlaces);

/// <summary>A Node program's registrations to the program the core plans (docs/cli.md, "Node programs").</summary>
public static partial class ProgramLoader
{
    /// <summary>Pulumi's wire markers (https://pulumi-developer-docs.readthedocs.io, "Property values"): the
    /// signature key, a secret's, an output value's, a resource reference's, and the unknown string.</summary>
    private const string SignatureKey = "4dabf18193072939515e22adb298388d",
        SecretSig = "1b47061264138c4ac30d75fd1eb44270",
        OutputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4", ResourceReferenceSig = "5cf8f73096256a8f31e491e813e4eb8e",
        UnknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /// <summary>The stack a Node program runs as when no --stack is given (its name reaches the program
    /// only).</summary>
    private const string DefaultNodeStack = "dev";

    private static LoadedProgram RunNodeProgram(Source source, NodeProject project, string? stack,
        KindRegistry kinds)
    {
        var runtime = Child(project.Root, "runtime") as YamlMappingNode;
        var options = runtime is null ? null : Child(runtime, "options") as YamlMappingNode;
        var request = new NodeRequest("", Scalar(project.Root, "main") ?? ".", project.Project,
            stack ?? DefaultNodeStack,
            project.Config.ToDictionary(c => c.Key, c => NodeRunner.ConfigText(c.Value), StringComparer.Ordinal),
            [.. project.Config.Where(c => c.Value is SecretValue).Select(c => c.Key)],
            options is null || Scalar(options, "typescript") is not ("false" or "False"),
            options is null ? null : Scalar(options, "tsconfig"));
        var timeout = NodeRunner.Timeout(Environment.GetEnvironmentVariable(NodeRunner.TimeoutVariable));
        using var folder = source.Folder();
        request = request with { Dir = folder.Dir };
        if (NodeFolder.PackagesFor(folder.Dir) is null)
            throw new ProgramLoadException(
                $"{source.ProjectFile}: runtime is \"nodejs\", but @pulumi/pulumi is not installed for it; " +
                "run `npm ci` " +
                "(or npm install) in the project folder first: the program runs with its own packages");
        using var report = NodeRunner.Run(request, timeout);
        return Recorded(report.RootElement, request, project, folder, timeout, kinds);
    }

    private static LoadedProgram Recorded(JsonElement report, NodeRequest request, NodeProject project,
        NodeFolder folder, TimeSpan timeout, KindRegistry kinds)
    {
        var file = project.ProjectFile;
        if (report.TryGetProperty("error", out var error))
            throw error.GetString() == "no-sdk"
                ? new ProgramLoadException(
                    $"{file}: @pulumi/pulumi cannot be loaded from {folder.Dir}; run `npm ci` there")
                : new InvalidOperationException($"node/recorder.js: {Text(report, "message")}");
        var all = report.GetProperty("resources").EnumerateArray().ToList();
        var byUrn = all.ToDictionary(r => Text(r, "urn"), StringComparer.Ordinal);
        var workloads = all.Where(r => Text(r, "type").StartsWith("multinode:", StringComparison.Ordinal)).ToList();
        var names = string.Join(", ", workloads.Select(r => Label(kinds, Text(r, "type"), Text(r, "name"))));
        if (report.GetProperty("timedOut").GetBoolean())
            throw NodeRunner.TimedOut(request, timeout, workloads.Count == 0
                ? " (it had registered no multinode resource)"
                : $" (it had registered {names})");
        var logs = report.GetProperty("logs").EnumerateArray()
            .Select(l => (Severity: l.GetProperty("severity").GetInt32(), Message: Text(l, "message").Trim())).ToList();
        if (report.GetProperty("code").ValueKind != JsonValueKind.Number || report.GetProperty("code").GetInt32() != 0)
        {
            // The runner reports a program's error to the engine (severity error), else prints it.
            var errors = logs.Where(l => l.Severity >= 3).Select(l => l.Message).ToList();
            var said = errors.Count > 0 ? string.Join("\n", errors)
                : $"{Text(report, "stderr").Trim()}\n{Text(report, "stdout").Trim()}".Trim();
            throw new ProgramLoadException($"{file}: the Node program failed ({Exit(report)}) in {folder.Dir}:\n{said}",
                invalidProgram: true);
        }
        if (workloads.Count == 0)
        {
            var warnings = logs.Select(l => "\n" + l.Message);
            throw new ProgramLoadException(
                $"{file}: the Node program ran to completion but registered no multinode resource " +
                $"({all.Count} other resource(s)), so there is nothing to plan; check its entry point " +
                "(Pulumi.yaml main, package.json main) and that it creates multinode workloads" +
                string.Concat(warnings), invalidProgram: true);
        }

        var values = new NodeValues(byUrn);
        var places = new SourcePlaces();
        places.Add(known =>
        {
            foreach (var (key, place) in project.ConfigPlaces) known.TryAdd(key, place);
        });
        var resources = new List<ResourceDeclaration>();
        foreach (var r in workloads)
        {
            var (type, name) = (Text(r, "type"), Text(r, "name"));
            resources.Add(new ResourceDeclaration(name, type, values.Inputs(r)));
            if (r.GetProperty("source") is { ValueKind: JsonValueKind.Object } at &&
                Uri.TryCreate(Text(at, "uri"), UriKind.Absolute, out var uri) && uri.IsFile)
            {
                var place = new SourcePlace(Shown(folder, uri.LocalPath), at.GetProperty("line").GetInt64(),
                    at.GetProperty("column").GetInt64());
                places.Add(known => known.TryAdd((Label(kinds, type, name), ""), place));
            }
        }
        return new LoadedProgram(new ProgramDeclaration(resources, project.MultinodeConfig), file, [], places);
    }

    /// <summary>A program file as messages name it: as its git source, else relative to the current folder when under
    /// it.</summary>
    private static string Shown(NodeFolder folder, string path)
    {
        var shown = folder.Display(path);
        if (shown != path) return shown;
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Exit(JsonElement report) =>
        report.GetProperty("signal").ValueKind == JsonValueKind.String
            ? $"ended by {Text(report, "signal")}"
            : $"exit code {report.GetProperty("code")}";

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>
    /// Recorded inputs to property values. An unknown (an output of another resource, in preview) is made of the
    /// resources it depends on — each one's type, name and inputs — so that a diff sees an unchanged upstream
    /// declaration as the same value and a changed one as a change; nothing says which of their outputs it is.
    /// </summary>
    private sealed class NodeValues(IReadOnlyDictionary<string, JsonElement> resources)
    {
        private readonly Dictionary<string, PropertyValue> _provenance = new(StringComparer.Ordinal);

        public PropertyMap Inputs(JsonElement resource)
        {
            var dependencies = resource.TryGetProperty("dependencies", out var d) && d.ValueKind == JsonValueKind.Object
                ? d.EnumerateObject().ToDictionary(p => p.Name,
                    p => p.Value.EnumerateArray().Select(u => u.GetString()!).ToList())
                : [];
            return new PropertyMap(resource.GetProperty("inputs").EnumerateObject().Select(p =>
                KeyValuePair.Create(p.Name, Value(p.Value, dependencies.GetValueOrDefault(p.Name) ?? []))));
        }

        private PropertyValue Value(JsonElement e, IReadOnlyList<string> dependencies)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String when e.GetString() == UnknownString:
                    return UnknownOf(dependencies);
                case JsonValueKind.Object when e.TryGetProperty(SignatureKey, out var sig):
                    switch (sig.GetString())
                    {
                        case SecretSig:
                            return PropertyValue.Secret(e.TryGetProperty("value", out var secret)
                                ? Value(secret, dependencies)
                                : PropertyValue.Null);
                        case OutputValueSig:
                            var own = e.TryGetProperty("dependencies", out var urns)
                                ? urns.EnumerateArray().Select(u => u.GetString()!).ToList()
                                : [.. dependencies];
                            var value = e.TryGetProperty("value", out var known) ? Value(known, own) : UnknownOf(own);
                            var isSecret = e.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.True;
                            return isSecret ? PropertyValue.Secret(value) : value;
                        case ResourceReferenceSig:
                            return Text(e, "urn");
                        default:
                            // An asset or archive: nothing a workload input takes, and nothing known of it here.
                            return PropertyValue.Unknown;
                    }
                case JsonValueKind.Object:
                    return PropertyValue.From(new PropertyMap(e.EnumerateObject().Select(p =>
                        KeyValuePair.Create(p.Name, Value(p.Value, dependencies)))));
                case JsonValueKind.Array:
                    return PropertyValue.From(e.EnumerateArray().Select(item => Value(item, dependencies)));
                default:
                    return PropertyValue.FromJson(e);
            }
        }

        private PropertyValue UnknownOf(IReadOnlyList<string> dependencies) =>
            dependencies.Count == 0 ? PropertyValue.Unknown
                : PropertyValue.UnknownFrom("output of",
                    [.. dependencies.Distinct().Order(StringComparer.Ordinal).Select(Provenance)]);

        private PropertyValue Provenance(string urn)
        {
            if (_provenance.TryGetValue(urn, out var known)) return known;
            if (!resources.TryGetValue(urn, out var resource)) return _provenance[urn] = urn;
            return _provenance[urn] = PropertyValue.From(new PropertyMap(
            [
                KeyValuePair.Create("type", PropertyValue.From(Text(resource, "type"))),
                KeyValuePair.Create("name", PropertyValue.From(Text(resource, "name"))),
                KeyValuePair.Create("inputs", PropertyValue.From(Inputs(resource))),
            ]));
        }
    }
}
