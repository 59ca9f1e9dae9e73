using System.Runtime.ExceptionServices;

namespace Multinode.Infra.Planning;

/// <summary>Maps a list on every core, deterministically: items are handed out in chunks, each result goes into its
/// item's slot, and the first exception in list order is the one thrown, so the outcome is the one a plain loop gives.
/// Only for a map that reads nothing another call writes.</summary>
internal static class InOrder
{
    public static TOut[] Map<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, TOut> map, int chunk, int cores = 0)
    {
        var results = new TOut[items.Count];
        var faults = new Exception?[items.Count];
        void Range(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                try
                {
                    results[i] = map(items[i]);
                }
                catch (Exception e)
                {
                    faults[i] = e;
                }
            }
        }
        var chunks = (items.Count + chunk - 1) / chunk;
        cores = cores > 0 ? cores : Environment.ProcessorCount;
        if (chunks < 2 || cores < 2) Range(0, items.Count);
        else
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = cores },
                c => Range(c * chunk, Math.Min(items.Count, (c + 1) * chunk)));
        foreach (var fault in faults)
            if (fault is not null) ExceptionDispatchInfo.Throw(fault);
        return results;
    }
}
