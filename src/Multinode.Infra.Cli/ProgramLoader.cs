using System.Globalization;
using System.Text.RegularExpressions;
using Multinode.Infra.Configuration;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
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
    IReadOnlyDictionary<(string Resource, string Path), string> Places)
{
    public void Deconstruct(out ProgramDeclaration program, out string file) => (program, file) = (Program, File);

    /// <summary>"Pulumi.yaml:12:7" for a failure: its path's place, else the nearest enclosing one's.</summary>
    public string? Place(ValidationFailure failure)
    {
        for (var path = failure.Path; ; path = Parent(path))
        {
            if (Places.TryGetValue((failure.Resource, path), out var place)) return place;
            if (path.Length == 0) return null;
        }

        static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut < 0 ? "" : path[..cut];
        }
    }
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
    /// <c>git:REV:path</c> (path relative to the current folder).</summary>
    public static LoadedProgram Load(string path, string? stack)
    {
        var source = path.StartsWith("git:", StringComparison.Ordinal) ? GitSource(path) : FileSource(path);
        var stackText = stack is null ? null
            : source.Read($"Pulumi.{stack}.yaml") ?? throw new ProgramLoadException(
                $"{source.Describe($"Pulumi.{stack}.yaml")}: no such stack file for --stack {stack}");
        return Parse(source.ProjectText, source.ProjectFile, stack, stackText, stack is null ? null : source.Describe($"Pulumi.{stack}.yaml"));
    }

    /// <summary>Where a program's files come from: the project file's text and its siblings by name.</summary>
    private sealed record Source(string ProjectFile, string ProjectText, Func<string, string?> Read, Func<string, string> Describe);

    private static Source FileSource(string path)
    {
        var file = Directory.Exists(path) ? FindProjectFile(path) : path;
        if (!File.Exists(file))
            throw new ProgramLoadException($"{path}: no such file or folder (expected a Pulumi.yaml or a folder holding one)");
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return new Source(file, ReadFile(file)!, name => ReadFile(Path.Combine(folder, name)), name => Path.Combine(folder, name));
    }

    private static string? ReadFile(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllText(file) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgramLoadException($"{file}: cannot be read: {e.Message}");
        }
    }

    private static Source GitSource(string spec)
    {
        var parts = spec.Split(':', 3);
        if (parts.Length != 3 || parts[1].Length == 0)
            throw new ProgramLoadException($"{spec}: expected git:REV:path, e.g. git:main:Pulumi.yaml");
        var (rev, path) = (parts[1], parts[2].Length == 0 ? "." : parts[2]);
        var isFile = path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);
        var folder = isFile ? Path.GetDirectoryName(path) is { Length: > 0 } d ? d : "." : path;
        var projectPath = isFile ? path : Path.Combine(folder, "Pulumi.yaml");
        string Name(string p) => $"git:{rev}:{p}";
        var text = GitShow(rev, projectPath) ?? throw new ProgramLoadException($"{Name(projectPath)}: no such file at that revision");
        return new Source(Name(projectPath), text, name => GitShow(rev, Path.Combine(folder, name)), name => Name(Path.Combine(folder, name)));
    }

    private static string? GitShow(string rev, string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "show", $"{rev}:./{path.Replace('\\', '/')}" }) start.ArgumentList.Add(arg);
        try
        {
            using var git = System.Diagnostics.Process.Start(start)!;
            var stderr = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode == 0) return output;
            var error = stderr.Result;
            if (error.Contains("does not exist", StringComparison.Ordinal) || error.Contains("exists on disk, but not in", StringComparison.Ordinal))
                return null;
            throw new ProgramLoadException($"git show {rev}:{path} failed: {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProgramLoadException($"git:{rev}:{path}: git cannot be run: {e.Message}");
        }
    }

    internal static LoadedProgram Parse(string projectText, string projectFile, string? stack, string? stackText, string? stackFile = null)
    {
        var root = ReadYaml(projectText, projectFile) as YamlMappingNode
            ?? throw new ProgramLoadException($"{projectFile}: the program is not a YAML mapping", invalidProgram: true);
        var project = Scalar(root, "name") ?? "project";
        stackFile ??= $"Pulumi.{stack}.yaml";
        var places = new Dictionary<(string Resource, string Path), string>();
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
        var resourceMap = Child(root, "resources") as YamlMappingNode;
        var variableMap = Child(root, "variables") as YamlMappingNode;
        // Names whose values exist only at deployment: other resources' outputs, variables declared later, pulumi.*.
        var declared = new HashSet<string>(StringComparer.Ordinal) { "pulumi" };
        foreach (var map in new[] { resourceMap, variableMap })
            if (map is not null) declared.UnionWith(map.Children.Keys.Select(Key));

        if (variableMap is not null)
        {
            foreach (var (keyNode, valueNode) in variableMap.Children)
            {
                var name = Key(keyNode);
                var label = $"variable \"{name}\"";
                var converter = new Converter(Resolver(label), (path, node) => places.TryAdd((label, path), At(projectFile, node)));
                variables.TryAdd(name, converter.Convert(valueNode, ""));
            }
        }

        var resources = new List<ResourceDeclaration>();
        if (resourceMap is not null)
        {
            foreach (var (keyNode, valueNode) in resourceMap.Children)
            {
                if (valueNode is not YamlMappingNode body || Scalar(body, "type") is not { } type) continue;
                if (!type.StartsWith("multinode:", StringComparison.Ordinal)) continue;
                var name = Key(keyNode);
                var label = WorkloadKinds.FromToken(type) is { } kind ? $"{kind} \"{name}\"" : $"resource \"{name}\"";
                places.TryAdd((label, ""), At(projectFile, keyNode));
                var converter = new Converter(Resolver(label), (path, node) => places.TryAdd((label, path), At(projectFile, node)));
                var properties = Child(body, "properties") is { } p ? converter.Convert(p, "") : PropertyValue.From(PropertyMap.Empty);
                resources.Add(new ResourceDeclaration(name, type, properties is ObjectValue o ? o.Map : PropertyMap.Empty));
            }
        }

        var multinodeConfig = ProviderConfigReader.ParseText(new PropertyMap(config
            .Where(c => c.Key.StartsWith("multinode:", StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => KeyValuePair.Create(c.Key["multinode:".Length..], c.Value))));
        return new LoadedProgram(new ProgramDeclaration(resources, multinodeConfig), projectFile, problems, places);

        void Place(string file, string key, YamlNode node)
        {
            if (!key.StartsWith("multinode:", StringComparison.Ordinal)) return;
            // Overwritten: a stack value wins over the project's, and so does its place.
            new Converter(_ => null, (path, at) => places[(ProviderConfigReader.Resource, path)] = At(file, at))
                .Convert(node, key["multinode:".Length..]);
        }

        Func<string, YamlNode, string, PropertyValue?> Resolver(string label) => (name, _, path) =>
        {
            if (variables.TryGetValue(name, out var value)) return value;
            var rootName = name.Split('.', '[')[0].Trim();
            if (!declared.Contains(rootName))
            {
                var where = path.Length == 0 ? "" : path + " ";
                problems.Add(new ValidationFailure(label, path,
                    $"{where}refers to ${{{name}}}, but \"{rootName}\" is not a config key, variable or resource of this program"));
            }
            return null;
        };
    }

    private static string At(string file, YamlNode node) => $"{file}:{node.Start.Line}:{node.Start.Column}";

    private static string FindProjectFile(string folder)
    {
        foreach (var name in new[] { "Pulumi.yaml", "Pulumi.yml" })
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new ProgramLoadException($"{folder}: no Pulumi.yaml in this folder");
    }

    /// <summary>Deepest nesting of sequences and mappings a file may have, after alias expansion: System.Text.Json's
    /// default reader depth, so whatever the CLI accepts also crosses the provider's JSON paths.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most YAML nodes (scalars, sequences, mappings, keys included) a file may expand to, each alias counting
    /// as every node it copies: room for thousands of workloads, but an alias bomb stops after one linear pass.</summary>
    public const int MaxNodes = 250_000;

    private static YamlNode? ReadYaml(string text, string file)
    {
        try
        {
            // One parse: the limit check keeps the events it read, and the tree is built from them.
            var stream = new YamlStream();
            stream.Load(new Replay(CheckLimits(text, file)));
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new ProgramLoadException($"{file}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}",
                invalidProgram: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's tree loader on an event sequence its parser let through; CheckLimits catches the known ones.
            throw new ProgramLoadException($"{file}: not valid YAML: {e.Message}", invalidProgram: true);
        }
    }

    /// <summary>One streaming pass over the parser's events (no tree, no recursion) that measures what the tree would
    /// be after alias expansion, refusing a file past <see cref="MaxDepth"/> or <see cref="MaxNodes"/> before anything
    /// is built: YamlDotNet's tree loader recurses per level and aliases share nodes that a walk would copy.</summary>
    private static List<ParsingEvent> CheckLimits(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        var events = new List<ParsingEvent>();
        var anchors = new Dictionary<string, (long Nodes, int Depth)>(StringComparer.Ordinal);
        var open = new Stack<Frame>();
        long total = 0;
        var last = Mark.Empty;
        while (Next())
        {
            var current = parser.Current!;
            events.Add(current);
            last = current.End;
            switch (current)
            {
                case NodeEvent { } node when current is SequenceStart or MappingStart:
                    if (open.Count + 1 > MaxDepth) throw TooDeep(file, current.Start);
                    Child(current.Start);
                    open.Push(new Frame(node.Anchor.IsEmpty ? null : node.Anchor.Value, current is MappingStart,
                        current is MappingStart { Style: MappingStyle.Block } or SequenceStart { Style: SequenceStyle.Block }));
                    break;
                case SequenceEnd or MappingEnd:
                    var done = open.Pop();
                    // A key without a value, which YamlDotNet's tree loader would fail on.
                    if (done.IsMapping && done.Children % 2 == 1)
                        throw new ProgramLoadException($"{file}:{done.LastKey.Line}:{done.LastKey.Column}: not valid YAML: this mapping key has no value",
                            invalidProgram: true);
                    // A block collection ends where the next token starts: only flow collections end on their own line.
                    Complete(done.Nodes + 1, done.Depth + 1, done.Anchor, done.IsBlock ? Mark.Empty : current.End);
                    break;
                case Scalar scalar:
                    Child(current.Start);
                    Complete(1, 0, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value,
                        scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? Mark.Empty : current.End);
                    break;
                case AnchorAlias alias:
                    Child(current.Start);
                    var (nodes, depth) = anchors.GetValueOrDefault(alias.Value.Value, (1, 0));
                    if (open.Count + depth > MaxDepth) throw TooDeep(file, current.Start);
                    Complete(nodes, depth, null, current.End);
                    break;
            }
        }

        return events;

        bool Next()
        {
            try
            {
                return parser.MoveNext();
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                // YamlDotNet fails this way on some malformed flow collections ("a: {b: {c: d}\nx: y"): still the
                // program's fault, so name the last place the parser understood.
                throw new ProgramLoadException(
                    $"{file}:{last.Line}:{last.Column}: not valid YAML after this point (the YAML parser could not go on; check brackets, braces and indentation)",
                    invalidProgram: true);
            }
        }

        void Child(Mark start)
        {
            if (open.Count == 0) return;
            var frame = open.Peek();
            if (frame.IsMapping && frame.Children % 2 == 0)
            {
                // YamlDotNet's parser lets "r: {c: 4}*a" through, a key on the line of the value before it.
                if (frame.IsBlock && frame.Children > 0 && start.Line == frame.LastEnd.Line && frame.LastEnd.Line > 0)
                    throw new ProgramLoadException($"{file}:{start.Line}:{start.Column}: not valid YAML: a key of a block mapping must start on a new line",
                        invalidProgram: true);
                frame.LastKey = start;
            }
            frame.Children++;
        }

        void Complete(long nodes, int depth, string? anchor, Mark at)
        {
            if (anchor is not null) anchors[anchor] = (nodes, depth);
            var sum = (open.Count == 0 ? total : open.Peek().Nodes) + nodes;
            if (sum > MaxNodes)
                throw new ProgramLoadException(
                    $"{file}:{last.Line}:{last.Column}: the program expands to more than {MaxNodes:N0} YAML nodes (aliases count every node they copy); " +
                    "this is the limit, to stop alias bombs", invalidProgram: true);
            if (open.Count == 0) total = sum;
            else { var frame = open.Peek(); frame.Nodes = sum; frame.Depth = Math.Max(frame.Depth, depth); frame.LastEnd = at; }
        }
    }

    /// <summary>The events <see cref="CheckLimits"/> read, played again for YamlDotNet's tree loader, so that the
    /// text is scanned once.</summary>
    private sealed class Replay(List<ParsingEvent> events) : IParser
    {
        private int _next;

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            Current = _next < events.Count ? events[_next++] : null;
            return Current is not null;
        }
    }

    private sealed class Frame(string? anchor, bool isMapping, bool isBlock)
    {
        public bool IsBlock { get; } = isBlock;
        public Mark LastEnd { get; set; } = Mark.Empty;
        public string? Anchor { get; } = anchor;
        public bool IsMapping { get; } = isMapping;
        public int Children { get; set; }
        public Mark LastKey { get; set; } = Mark.Empty;
        public long Nodes { get; set; }
        public int Depth { get; set; }
    }

    private static ProgramLoadException TooDeep(string file, Mark at) => new(
        $"{file}:{at.Line}:{at.Column}: sequences and mappings nest more than {MaxDepth} levels deep (the limit, as for JSON readers)",
        invalidProgram: true);

    private static string Qualify(string key, string project) => key.Contains(':', StringComparison.Ordinal) ? key : $"{project}:{key}";

    private static string Key(YamlNode node) => node is YamlScalarNode s ? s.Value ?? "" : node.ToString();

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key) => Child(map, key) is YamlScalarNode s ? s.Value : null;

    /// <summary>A project config entry: a plain value, or a declaration whose value is under value or default.</summary>
    private static PropertyValue? DeclaredValue(YamlNode node, out YamlNode? valueNode)
    {
        valueNode = null;
        if (node is YamlMappingNode map && map.Children.Keys.All(k => DeclarationKeys.Contains(Key(k))))
        {
            var value = valueNode = Child(map, "value") ?? Child(map, "default");
            if (value is null) return null;
            var converted = Convert(value, _ => null);
            return Scalar(map, "secret") == "true" ? PropertyValue.Secret(converted) : converted;
        }
        return Convert(node, _ => null);
    }

    [GeneratedRegex(@"\$\$\{|\$\{([^}]*)\}")]
    private static partial Regex Interpolation();

    /// <summary>YAML to a property value, typing plain scalars by YAML 1.2's core schema.</summary>
    internal static PropertyValue Convert(YamlNode node, Func<string, PropertyValue?> resolve) =>
        new Converter(resolve, (_, _) => { }).Convert(node, "");

    /// <summary>Converts YAML to property values, resolving <c>${...}</c> and noting where each property path is.</summary>
    private sealed class Converter(Func<string, YamlNode, string, PropertyValue?> resolve, Action<string, YamlNode> place)
    {
        public Converter(Func<string, PropertyValue?> resolve, Action<string, YamlNode> place) : this((name, _, _) => resolve(name), place)
        {
        }

        public PropertyValue Convert(YamlNode node, string path)
        {
            place(path, node);
            switch (node)
            {
                case YamlScalarNode scalar:
                    var text = scalar.Value ?? "";
                    if (scalar.Style is ScalarStyle.Plain && TypedPlain(text) is { } typed) return typed;
                    return Interpolate(text, name => resolve(name, node, path));
                case YamlSequenceNode sequence:
                    return PropertyValue.From(sequence.Children.Select((c, i) => Convert(c, $"{path}[{i}]")));
                case YamlMappingNode mapping:
                    if (mapping.Children.Count == 1 && Key(mapping.Children.Keys.First()) is var only && only.StartsWith("fn::", StringComparison.Ordinal))
                    {
                        return only == "fn::secret"
                            ? PropertyValue.Secret(Convert(mapping.Children.Values.First(), path))
                            : PropertyValue.Unknown;
                    }
                    if (mapping.Children.Count == 1 && Key(mapping.Children.Keys.First()) == "secure")
                        return PropertyValue.Secret(PropertyValue.Unknown);
                    return PropertyValue.From(new PropertyMap(mapping.Children.Select(c =>
                        KeyValuePair.Create(Key(c.Key), Convert(c.Value, InputReader.Join(path, Key(c.Key)))))));
                default:
                    return PropertyValue.Null;
            }
        }
    }

    private static PropertyValue Interpolate(string text, Func<string, PropertyValue?> resolve)
    {
        // Both of the pattern's forms contain "${": most scalars have none and skip the regex.
        if (!text.Contains("${", StringComparison.Ordinal)) return text;
        var matches = Interpolation().Matches(text);
        if (matches.Count == 0) return text;
        if (matches.Count == 1 && matches[0].Value != "$${" && matches[0].Length == text.Length)
            return resolve(matches[0].Groups[1].Value.Trim()) ?? PropertyValue.Unknown;
        var secret = false;
        var unknown = false;
        var result = Interpolation().Replace(text, m =>
        {
            if (m.Value == "$${") return "${";
            var value = resolve(m.Groups[1].Value.Trim());
            if (value is SecretValue s) { secret = true; value = s.Value; }
            switch (value)
            {
                case StringValue sv: return sv.Value;
                case NumberValue or BoolValue: return value.Display();
                default: unknown = true; return "";
            }
        });
        PropertyValue interpolated = unknown ? PropertyValue.Unknown : result;
        return secret ? PropertyValue.Secret(interpolated) : interpolated;
    }

    private static PropertyValue? TypedPlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return PropertyValue.Null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
        }
        if (NumberPattern().IsMatch(text) &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return number;
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
            return hex;
        return null;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
