using System.Text;
using System.Text.Json;
using Multinode.Infra.Values;

namespace Multinode.Infra.Planning;

/// <summary>The plan as JSON: what `multinode plan --format json` prints and what golden files hold.
/// Unknowns print as {"unknown":true}, secrets as {"secret":true} with the value withheld.</summary>
public static class PlanJson
{
    /// <summary>The plan as one string (golden files, tests).</summary>
    public static string Write(Plan plan) => JsonOutput.Write(w => Write(w, plan));

    /// <summary>The plan streamed to <paramref name="output"/> resource by resource: memory stays that of the plan.</summary>
    public static void Write(Plan plan, TextWriter output) => JsonOutput.Write(output, w => Write(w, plan));

    /// <summary>The plan streamed as UTF-8 bytes to <paramref name="output"/> (the CLI's standard output), the same bytes
    /// as <see cref="Write(Plan)"/>; a large plan's resources are written on two threads (<see cref="ResourcesInParallel"/>).</summary>
    public static void Write(Plan plan, Stream output) => JsonOutput.Write(output, w => Write(w, plan, output));

    /// <summary>One workload's plan on its own (golden files hold one per kind and target).</summary>
    public static string Write(WorkloadPlan workload, Configuration.ProviderConfig config) =>
        Write(new Plan(config, [workload]));

    private static void Write(Utf8JsonWriter w, Plan plan, Stream? output = null)
    {
        using var parallel = output is not null && plan.Workloads.Count >= 2 * GroupSize && Environment.ProcessorCount > 1
            ? new ResourcesInParallel(plan.Workloads)
            : null;
        w.WriteStartObject();
        w.WriteString("target", plan.Config.Target.Name);
        w.WriteStartArray("workloads");
        foreach (var workload in plan.Workloads)
        {
            WriteWorkload(w, workload);
            JsonOutput.FlushIfFull(w);
        }
        w.WriteEndArray();
        w.WriteStartArray("resources");
        if (parallel is not null) parallel.Write(w, output!);
        else WriteResources(w, plan.Workloads, 0, plan.Workloads.Count, skip: 0, flush: true);
        w.WriteEndArray();
        w.WriteStartObject("totals");
        WriteSummary(w, plan.Totals);
        w.WriteEndObject();
        var catalog = Catalog.InstanceCatalog.Default;
        w.WriteStartObject("pricing");
        w.WriteString("basis", "on-demand");
        w.WriteString("region", catalog.Region);
        w.WriteString("date", catalog.Date);
        w.WriteString("note", plan.PricingNote);
        w.WriteEndObject();
        if (plan.Warnings.Count > 0)
        {
            w.WriteStartArray("warnings");
            foreach (var warning in plan.Warnings) w.WriteStringValue(warning.ToString());
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteWorkload(Utf8JsonWriter w, WorkloadPlan plan)
    {
        w.WriteStartObject();
        w.WriteString("name", plan.Workload.Name);
        w.WriteString("kind", plan.Workload.Kind.Token);
        w.WritePropertyName("settings");
        PropertyValue.From(plan.Workload.Settings()).WriteJson(w);
        w.WritePropertyName("outputs");
        PropertyValue.From(plan.Outputs).WriteJson(w);
        w.WriteStartObject("summary");
        WriteSummary(w, plan.Summary);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A summary's figures; cost as a number with its basis beside it. Facts, labelled for people
    /// ("price per instance-hour"), take camelCase keys like every other key ("pricePerInstanceHour").</summary>
    public static void WriteSummary(Utf8JsonWriter w, PlanSummary summary, bool workers = true)
    {
        if (workers) w.WriteNumber("maxWorkers", summary.MaxWorkers);
        w.WriteNumber("maxCpu", summary.MaxCpu);
        w.WriteString("maxMemory", summary.MaxMemory.ToString());
        w.WriteNumber("maxGpus", summary.MaxGpus);
        if (summary.MaxHourlyCost is { } cost) WriteCost(w, "maxHourlyCost", decimal.Round(cost, 4));
        foreach (var (label, value) in summary.Facts) w.WriteString(Key(label), value);
    }

    /// <summary>Fact labels are the targets' own few constants, written once per workload: each is converted once.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Keys = new(StringComparer.Ordinal);

    private static string Key(string label) =>
        Keys.TryGetValue(label, out var key) ? key : Keys.Count < 1024 ? Keys.GetOrAdd(label, CamelCase) : CamelCase(label);

    private static readonly string CostBasis = $"estimate: {Pricing.Basis}";

    /// <summary>A cost figure and, once per object, the basis it is estimated on.</summary>
    public static void WriteCost(Utf8JsonWriter w, string name, decimal amount, bool basis = true)
    {
        w.WriteNumber(name, Numbers.Normalize(amount));
        if (basis) w.WriteString("costBasis", CostBasis);
    }

    /// <summary>A label as a JSON key: "price per instance-hour" → "pricePerInstanceHour", "GPU nodes" → "gpuNodes";
    /// a key already in camelCase ("certificateArn") stays as it is.</summary>
    public static string CamelCase(string label)
    {
        var words = label.Split([' ', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        var key = new StringBuilder(label.Length);
        foreach (var word in words)
        {
            if (key.Length == 0)
                key.Append(word.All(char.IsUpper) ? word.ToLowerInvariant() : char.ToLowerInvariant(word[0]) + word[1..]);
            else
                key.Append(char.ToUpperInvariant(word[0])).Append(word.All(char.IsUpper) ? word[1..].ToLowerInvariant() : word[1..]);
        }
        return key.ToString();
    }

    private static void WriteResource(Utf8JsonWriter w, string parent, PlannedResource resource)
    {
        w.WriteStartObject();
        w.WriteString("type", resource.Type);
        w.WriteString("name", resource.Name);
        w.WriteString("parent", parent);
        w.WriteStartArray("dependsOn");
        var dependsOn = resource.DependsOn;
        for (var i = 0; i < dependsOn.Count; i++) w.WriteStringValue(dependsOn[i]);
        w.WriteEndArray();
        w.WritePropertyName("inputs");
        PropertyValue.From(resource.Inputs).WriteJson(w);
        var o = resource.Options;
        if (o.ReplaceOnChanges.Count > 0 || o.IgnoreChanges.Count > 0 || o.DeleteBeforeReplace || o.AdditionalSecretOutputs.Count > 0)
        {
            w.WriteStartObject("options");
            WriteList(w, "replaceOnChanges", o.ReplaceOnChanges);
            WriteList(w, "ignoreChanges", o.IgnoreChanges);
            if (o.DeleteBeforeReplace) w.WriteBoolean("deleteBeforeReplace", true);
            WriteList(w, "additionalSecretOutputs", o.AdditionalSecretOutputs);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The resources of <paramref name="workloads"/>[from..to), less the first <paramref name="skip"/> of the first.</summary>
    private static void WriteResources(Utf8JsonWriter w, IReadOnlyList<WorkloadPlan> workloads, int from, int to, int skip, bool flush)
    {
        for (var i = from; i < to; i++)
        {
            var workload = workloads[i];
            for (var k = i == from ? skip : 0; k < workload.Resources.Count; k++) WriteResource(w, workload.Workload.Name, workload.Resources[k]);
            if (flush) JsonOutput.FlushIfFull(w);
        }
    }

    /// <summary>Workloads whose resources one thread writes as one piece.</summary>
    private const int GroupSize = 32;

    /// <summary>
    /// The resources array (most of a plan's JSON) written by two threads, byte for byte as one writer writes it: the
    /// workloads are cut into groups of <see cref="GroupSize"/>; the calling thread writes the even groups, a helper the
    /// odd ones, from the start of the document on, at most a few groups ahead (so memory stays a few groups). The
    /// first resource is written by the document's own writer, which then holds "an item was written" as it would after
    /// all of them; every group's bytes come from a writer at the same depth, and are copied to the output after a comma.
    /// </summary>
    private sealed class ResourcesInParallel : IDisposable
    {
        private const int Ahead = 4;
        private readonly IReadOnlyList<WorkloadPlan> _workloads;
        private readonly int _first;
        private readonly System.Collections.Concurrent.BlockingCollection<System.Buffers.ArrayBufferWriter<byte>> _free = new(Ahead);
        private readonly System.Collections.Concurrent.BlockingCollection<(System.Buffers.ArrayBufferWriter<byte> Buffer, int Start)> _ready = new(Ahead);
        private readonly Task _helper;

        public ResourcesInParallel(IReadOnlyList<WorkloadPlan> workloads)
        {
            _workloads = workloads;
            _first = 0;
            while (_first < workloads.Count && workloads[_first].Resources.Count == 0) _first++;
            for (var i = 0; i < Ahead; i++) _free.Add(new System.Buffers.ArrayBufferWriter<byte>(64 * 1024));
            _helper = Task.Run(Help);
        }

        private int Groups => _first >= _workloads.Count ? 0 : (_workloads.Count - _first + GroupSize - 1) / GroupSize;

        private void Help()
        {
            try
            {
                using var w = new Utf8JsonWriter(Stream.Null, JsonOutput.Indented);
                for (var g = 1; g < Groups; g += 2)
                {
                    var buffer = _free.Take();
                    _ready.Add((buffer, WriteGroup(w, buffer, g)));
                }
            }
            catch (InvalidOperationException) when (_free.IsAddingCompleted)
            {
                // The document's thread stopped (its output failed) and said so: nothing left to write for it.
            }
            finally
            {
                _ready.CompleteAdding();
            }
        }

        /// <summary>Group <paramref name="g"/>'s resources into <paramref name="buffer"/>; returns where its items start.</summary>
        private int WriteGroup(Utf8JsonWriter w, System.Buffers.ArrayBufferWriter<byte> buffer, int g)
        {
            buffer.ResetWrittenCount();
            w.Reset(buffer);
            // The same depth as the document's resources array: root object, then the array.
            w.WriteStartObject();
            w.WriteStartArray("resources");
            w.Flush();
            var start = buffer.WrittenCount;
            var from = _first + g * GroupSize;
            WriteResources(w, _workloads, from, Math.Min(from + GroupSize, _workloads.Count), skip: g == 0 ? 1 : 0, flush: false);
            w.Flush();
            return start;
        }

        public void Write(Utf8JsonWriter document, Stream output)
        {
            if (Groups == 0) return;
            WriteResource(document, _workloads[_first].Workload.Name, _workloads[_first].Resources[0]);
            document.Flush();
            var own = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
            using var w = new Utf8JsonWriter(Stream.Null, JsonOutput.Indented);
            for (var g = 0; g < Groups; g++)
            {
                if (g % 2 == 0)
                {
                    Copy(own, WriteGroup(w, own, g), output);
                    continue;
                }
                if (!_ready.TryTake(out var done, Timeout.Infinite))
                {
                    _helper.GetAwaiter().GetResult();
                    throw new InvalidOperationException("the helper writing the plan's resources stopped early");
                }
                Copy(done.Buffer, done.Start, output);
                _free.Add(done.Buffer);
            }
        }

        private static void Copy(System.Buffers.ArrayBufferWriter<byte> buffer, int start, Stream output)
        {
            if (buffer.WrittenCount == start) return;
            output.WriteByte((byte)',');
            output.Write(buffer.WrittenSpan[start..]);
        }

        public void Dispose()
        {
            _free.CompleteAdding();
            // Unblocks a helper waiting to hand over a group nobody will take.
            while (_ready.TryTake(out _)) { }
            // Not Wait(): a failure of the helper was thrown by Write already, or another exception is on its way out.
            ((IAsyncResult)_helper).AsyncWaitHandle.WaitOne();
            _free.Dispose();
            _ready.Dispose();
        }
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }
}
