using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

/// <summary>A file the CLI could not use: reported with exit code 2 (<see cref="Cli.Usage"/>), or 1
/// (<see cref="Cli.Invalid"/>) when the file was read but is not a usable program (YAML errors, limits).</summary>
public sealed class ProgramLoadException(string message, bool invalidProgram = false) : Exception(message)
{
    /// <summary>The file was read but its content is wrong: the program is invalid, not the command line.</summary>
    public bool InvalidProgram { get; } = invalidProgram;
}

/// <summary>A program read from YAML: what the core plans, the problems only the YAML shows (<c>${...}</c> naming
/// nothing), and where in which file each resource's and config key's property paths are written.</summary>
public sealed record LoadedProgram(ProgramDeclaration Program, string File, IReadOnlyList<ValidationFailure> Problems,
    IReadOnlyDictionary<(string Resource, string Path), SourcePlace> Places)
{
    public void Deconstruct(out ProgramDeclaration program, out string file) => (program, file) = (Program, File);

    /// <summary>"Pulumi.yaml:12:7" for a failure: its path's place, else the nearest enclosing one's.</summary>
    public string? Place(ValidationFailure failure)
    {
        for (var path = failure.Path; ; path = Parent(path))
        {
            if (Places.TryGetValue((failure.Resource, path), out var place)) return place.ToString();
            if (path.Length == 0) return null;
        }

        static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut < 0 ? "" : path[..cut];
        }
    }
}

/// <summary>Where a node is written: kept as numbers, made text only for the few messages that show it.</summary>
public readonly record struct SourcePlace(string File, long Line, long Column)
{
    /// <summary>"Pulumi.yaml:12:7".</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// Reads a Pulumi YAML program offline: its <c>multinode:*</c> resources and the <c>multinode:*</c> config from
/// <c>Pulumi.yaml</c> and, with a stack, <c>Pulumi.&lt;stack&gt;.yaml</c> (stack values win), as the pulumi CLI does.
/// <c>${...}</c> interpolations resolve against config and literal variables; other resources' outputs are unknown values,
/// and a name that is none of these is a problem.
/// </summary>
public static partial class ProgramLoader
{
    private static readonly string[] DeclarationKeys = ["type", "description", "default", "value", "secret", "items"];

    /// <summary>Loads a program from a path (a Pulumi.yaml or a folder holding one), or from git as
    /// <c>git:REV:path</c> (path relative to the current folder). A resource whose type is a kind of
    /// <paramref name="kinds"/> is labelled as the planner labels it, so its problems print with their place.</summary>
    public static LoadedProgram Load(string path, string? stack, KindRegistry kinds)
    {
        var source = path.StartsWith("git:", StringComparison.Ordinal) ? GitSource(path) : FileSource(path);
        var stackText = stack is null ? null
            : source.Read($"Pulumi.{stack}.yaml") ?? throw new ProgramLoadException(
                $"{source.Describe($"Pulumi.{stack}.yaml")}: no such stack file for --stack {stack}");
        return Parse(source.ProjectText, source.ProjectFile, stack, stackText, kinds,
            stack is null ? null : source.Describe($"Pulumi.{stack}.yaml"),
            project => RunNodeProgram(source, project, stack, kinds));
    }

    internal static LoadedProgram Parse(string projectText, string projectFile, string? stack, string? stackText,
        KindRegistry kinds, string? stackFile = null, Func<NodeProject, LoadedProgram>? node = null)
    {
        var root = ReadYaml(projectText, projectFile) as YamlMappingNode
            ?? throw new ProgramLoadException($"{projectFile}: the program is not a YAML mapping", invalidProgram: true);
        var nodeRuntime = CheckRuntime(root, projectFile, node is not null);
        var project = Scalar(root, "name") ?? "project";
        stackFile ??= $"Pulumi.{stack}.yaml";
        // Where each path is written: only a message needs it, so it is worked out from the tree when one asks.
        var places = new SourcePlaces();
        var problems = new List<ValidationFailure>();

        // Config values are not interpolated (as in Pulumi YAML); their places are kept for messages.
        var config = new Dictionary<string, PropertyValue>(StringComparer.Ordinal);
        if (Child(root, "config") is YamlMappingNode projectConfig)
        {
            foreach (var (keyNode, valueNode) in projectConfig.Children)
            {
                var key = Qualify(Key(keyNode), project);
                var value = DeclaredValue(valueNode, out var valueAt);
                if (value is null) continue;
                config[key] = value;
                Place(projectFile, key, valueAt ?? valueNode);
            }
        }
        if (stackText is not null &&
            ReadYaml(stackText, stackFile) is YamlMappingNode stackRoot && Child(stackRoot, "config") is YamlMappingNode stackConfig)
        {
            foreach (var (keyNode, valueNode) in stackConfig.Children)
            {
                var key = Qualify(Key(keyNode), project);
                config[key] = Convert(valueNode, _ => null);
                Place(stackFile, key, valueNode);
            }
        }

        var multinodeConfig = ProviderConfigReader.ParseText(new PropertyMap(config
            .Where(c => c.Key.StartsWith("multinode:", StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => KeyValuePair.Create(c.Key["multinode:".Length..], c.Value))));
        if (nodeRuntime) return node!(new NodeProject(projectFile, project, root, config, multinodeConfig, places));

        var variables = new Dictionary<string, PropertyValue>(StringComparer.Ordinal)
        {
            ["pulumi.project"] = project,
        };
        if (stack is not null) variables["pulumi.stack"] = stack;
        foreach (var (key, value) in config)
        {
            variables.TryAdd(key, value);
            if (key.StartsWith(project + ":", StringComparison.Ordinal)) variables[key[(project.Length + 1)..]] = value;
        }
        var resourceMap = Section(root, "resources", "resource names to declarations");
        var variableMap = Section(root, "variables", "variable names to values");
        // Names whose values exist only at deployment: other resources' outputs, variables declared later, pulumi.*.
        var declared = new HashSet<string>(StringComparer.Ordinal) { "pulumi" };
        foreach (var map in new[] { resourceMap, variableMap })
            if (map is not null) declared.UnionWith(map.Children.Keys.Select(Key));

        var declarations = new Declarations(resourceMap, variableMap);
        if (variableMap is not null)
        {
            foreach (var (keyNode, valueNode) in variableMap.Children)
            {
                var name = Key(keyNode);
                var label = $"variable \"{name}\"";
                variables.TryAdd(name, new Converter(Resolver(label), NoPlace).Convert(valueNode, ""));
                PlacesOf(label, valueNode);
            }
        }

        var resources = new List<ResourceDeclaration>();
        if (resourceMap is not null)
        {
            foreach (var (keyNode, valueNode) in resourceMap.Children)
            {
                if (!Declaration(keyNode, valueNode, out var body) || Scalar(body, "type") is not { } type) continue;
                if (!type.StartsWith("multinode:", StringComparison.Ordinal)) continue;
                var name = Key(keyNode);
                var label = Label(kinds, type, name);
                places.Add(known =>
                {
                    known.TryAdd((label, ""), At(projectFile, keyNode));
                    known.TryAdd((label, "type"), At(projectFile, Child(body, "type")!));
                });
                var properties = PropertyValue.From(PropertyMap.Empty);
                if (Child(body, "properties") is { } p)
                {
                    properties = new Converter(Resolver(label), NoPlace).Convert(p, "");
                    PlacesOf(label, p);
                }
                resources.Add(new ResourceDeclaration(name, type, properties is ObjectValue o ? o.Map : PropertyMap.Empty));
            }
        }

        return new LoadedProgram(new ProgramDeclaration(resources, multinodeConfig), projectFile, problems, places);

        // A section that is not a mapping reads as nothing: a problem, not an empty program.
        YamlMappingNode? Section(YamlMappingNode program, string key, string what)
        {
            var node = Child(program, key);
            if (node is null or YamlMappingNode || node is YamlScalarNode { Value: null or "" or "~" or "null" }) return node as YamlMappingNode;
            Problem(ProgramLabel, key, node, $"{key} must be a mapping of {what}, not {Describe(node)}");
            return null;
        }

        // A resource's top-level keys are Pulumi YAML's (type, properties, options, ...): any other is a typo that would
        // otherwise drop the declaration (a workload missing from the plan reads as deleted).
        bool Declaration(YamlNode keyNode, YamlNode valueNode, out YamlMappingNode body)
        {
            var name = Key(keyNode);
            var label = $"resource \"{name}\"";
            body = valueNode as YamlMappingNode ?? new YamlMappingNode();
            if (valueNode is not YamlMappingNode)
            {
                Problem(label, "", valueNode, $"must be a mapping with type and properties, not {Describe(valueNode)}");
                return false;
            }
            var valid = true;
            foreach (var key in body.Children.Keys)
            {
                var text = Key(key);
                if (ResourceKeys.Contains(text)) continue;
                var suggestion = InputReader.Suggest(text, ResourceKeys);
                Problem(label, text, key, $"{text} is not a key of a resource; " +
                    (suggestion is null ? $"use {string.Join(", ", ResourceKeys)}" : $"did you mean {suggestion}?"));
                valid = false;
            }
            if (Child(body, "type") is null)
            {
                Problem(label, "", keyNode, "type is required (the resource's type token, e.g. multinode:index:Function)");
                valid = false;
            }
            return valid;
        }

        void Problem(string label, string path, YamlNode node, string message)
        {
            problems.Add(new ValidationFailure(label, path, message));
            places.Add(known => known.TryAdd((label, path), At(projectFile, node)));
        }

        void Place(string file, string key, YamlNode node)
        {
            if (!key.StartsWith("multinode:", StringComparison.Ordinal)) return;
            // Overwritten: a stack value wins over the project's, and so does its place.
            places.Add(known => new Converter(_ => null, (path, at) => known[(ProviderConfigReader.Resource, path)] = At(file, at))
                .Convert(node, key["multinode:".Length..]));
        }

        // The places of a value's paths, the first one written for each: the converter's own walk, its values unused.
        void PlacesOf(string label, YamlNode node) =>
            places.Add(known => new Converter(_ => null, (path, at) => known.TryAdd((label, path), At(projectFile, at))).Convert(node, ""));

        Func<string, YamlNode, string, PropertyValue?> Resolver(string label) => (name, _, path) =>
        {
            if (variables.TryGetValue(name, out var value)) return value;
            var rootName = name.Split('.', '[')[0].Trim();
            if (!declared.Contains(rootName))
            {
                var where = path.Length == 0 ? "" : path + " ";
                problems.Add(new ValidationFailure(label, path,
                    $"{where}refers to ${{{name}}}, but \"{rootName}\" is not a config key, variable or resource of this program"));
                return null;
            }
            // Known at deployment: what the declaration it reads says (with what that one reads), so that an unchanged
            // declaration gives the same value on both sides of a diff.
            return PropertyValue.UnknownFrom("output", name, declarations.Of(rootName));
        };
    }

    /// <summary>How messages name a multinode resource: <c>Function "square"</c>.</summary>
    private static string Label(KindRegistry kinds, string type, string name) =>
        kinds.FromToken(type) is { } kind ? $"{kind} \"{name}\"" : $"resource \"{name}\"";

    private static SourcePlace At(string file, YamlNode node) => new(file, node.Start.Line, node.Start.Column);

    private static readonly Action<string, YamlNode> NoPlace = (_, _) => { };

    /// <summary>Where each resource's and config key's paths are written, worked out on first use: reading a program
    /// notes how (in order), and most runs print no message that asks. The same places as noting each while reading.</summary>
    private sealed class SourcePlaces : IReadOnlyDictionary<(string Resource, string Path), SourcePlace>
    {
        private readonly List<Action<Dictionary<(string Resource, string Path), SourcePlace>>> _notes = [];
        private Dictionary<(string Resource, string Path), SourcePlace>? _places;

        public void Add(Action<Dictionary<(string Resource, string Path), SourcePlace>> note) => _notes.Add(note);

        private Dictionary<(string Resource, string Path), SourcePlace> Places => LazyInitializer.EnsureInitialized(ref _places, () =>
        {
            var places = new Dictionary<(string Resource, string Path), SourcePlace>();
            foreach (var note in _notes) note(places);
            return places;
        });

        public SourcePlace this[(string Resource, string Path) key] => Places[key];
        public IEnumerable<(string Resource, string Path)> Keys => Places.Keys;
        public IEnumerable<SourcePlace> Values => Places.Values;
        public int Count => Places.Count;
        public bool ContainsKey((string Resource, string Path) key) => Places.ContainsKey(key);

        public bool TryGetValue((string Resource, string Path) key, out SourcePlace value) => Places.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<(string Resource, string Path), SourcePlace>> GetEnumerator() => Places.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static string Qualify(string key, string project) => key.Contains(':', StringComparison.Ordinal) ? key : $"{project}:{key}";

    private static string Key(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node.ToString();

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key) => Child(map, key) is YamlScalarNode s ? s.Value : null;
}
