using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Cli;

/// <summary>Reading YAML within the node and nesting limits, in one pass: the limit check keeps the parser events it
/// reads and the tree is built from them.</summary>
public static partial class ProgramLoader
{
    /// <summary>Deepest nesting of sequences and mappings a file may have, after alias expansion: System.Text.Json's
    /// default reader depth, so whatever the CLI accepts also crosses the provider's JSON paths.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most YAML nodes (scalars, sequences, mappings, keys included) a file's aliases may copy, each alias
    /// counting as every node of its anchor: an alias bomb stops after one linear pass. Nodes written out are not
    /// counted: the file's own size bounds them, so a program of any number of plain workloads is read.</summary>
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
        // Nodes written in the file: what the expanded count holds beyond them, aliases copied.
        long written = 0;
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
                    written++;
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
                    written++;
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
            catch (YamlException e) when (e.Start.Equals(Mark.Empty) && e.Message.Contains("tab", StringComparison.Ordinal))
            {
                // YamlDotNet names no place for a tab used as indentation: the first one from where it stopped reading.
                var (line, column) = IndentingTab(text, last.Line);
                throw new ProgramLoadException(
                    $"{file}:{line}:{column}: not valid YAML: a tab indents this line; YAML indents with spaces only", invalidProgram: true);
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
            // A subtree's expanded count less every node written so far is at most what aliases copied: never more.
            if (sum - written > MaxNodes)
                throw new ProgramLoadException(
                    $"{file}:{last.Line}:{last.Column}: the program's aliases copy more than {MaxNodes:N0} YAML nodes (each alias counts every " +
                    "node of its anchor); this is the limit, to stop alias bombs", invalidProgram: true);
            if (open.Count == 0) total = sum;
            else { var frame = open.Peek(); frame.Nodes = sum; frame.Depth = Math.Max(frame.Depth, depth); frame.LastEnd = at; }
        }
    }

    /// <summary>Line and column (1-based; a tab is one character, as YAML counts them) of the first tab in a line's
    /// indentation, from line <paramref name="from"/> on, else from the start.</summary>
    private static (long Line, long Column) IndentingTab(string text, long from)
    {
        var lines = text.Split('\n');
        foreach (var start in new[] { Math.Max(0, from - 1), 0 })
        {
            for (var i = (int)start; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                var tab = lines[i].IndexOf('\t', 0, indent);
                if (tab >= 0) return (i + 1, tab + 1);
            }
        }
        return (1, 1);
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
}
