using System.Text;
using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;

namespace Multinode.Infra.Provider;

/// <summary>
/// Checks, before anything is registered, that each planned child fits in one gRPC message between the plugin and the
/// engine (<see cref="Channels.MaxMessageBytes"/>): the monitor answers a registration with the child's state, which in
/// preview is its inputs, so a child that does not fit would leave the component half registered.
/// </summary>
internal static class ChildSizes
{
    /// <summary>Room for what a registration carries besides the inputs: type, name, parent and dependency URNs,
    /// options.</summary>
    private const int Envelope = 64 * 1024;

    public static IReadOnlyList<ValidationFailure> Check(WorkloadPlan plan)
    {
        var failures = new List<ValidationFailure>();
        foreach (var child in plan.Resources)
        {
            long size = Envelope;
            var (largest, largestSize) = ("", 0L);
            foreach (var (key, value) in child.Inputs)
            {
                var bytes = Size(value) + Encoding.UTF8.GetByteCount(key);
                size += bytes;
                if (bytes > largestSize) (largest, largestSize) = (key, bytes);
            }
            if (size > Channels.MaxMessageBytes)
                failures.Add(new ValidationFailure(plan.Workload.Label, "",
                    $"the child {child.Type} \"{child.Name}\" would be about {size} bytes when registered, above the " +
                    $"{Channels.MaxMessageBytes} bytes (4 MB) one gRPC message between the plugin and the engine " +
                    "carries; " +
                    $"its input {largest} is about {largestSize} bytes: make the inputs it is built from smaller"));
        }
        return failures;
    }

    /// <summary>An upper bound of the value's protobuf size: its text plus a few bytes of framing per value; a
    /// reference to another child counts as an ARN-sized string.</summary>
    private static long Size(PropertyValue value) => value switch
    {
        StringValue s => Encoding.UTF8.GetByteCount(s.Value) + 8,
        SecretValue s => Size(s.Value) + 96,
        ArrayValue a => a.Items.Sum(Size) + 8,
        ObjectValue o => o.Map.Sum(e => Size(e.Value) + Encoding.UTF8.GetByteCount(e.Key) + 8) + 8,
        InterpolationValue i => i.Parts.Sum(Size) + 8,
        ReferenceValue => 2048,
        _ => 16,
    };
}
