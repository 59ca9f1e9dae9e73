using System.Runtime.CompilerServices;

namespace Multinode.Infra.Provider.Tests;

/// <summary>docs/provider.md, "Memory": a large request's bytes are not kept once its call is over. Kestrel keeps a
/// finished stream's request body and pipe until the pooled stream's next request, so what the plugin hands gRPC must
/// let go of the bytes itself (bench/construct-memory.sh large measures the resident set end to end).</summary>
public sealed class LargeRequestMemoryTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Bytes, RequestBytes Body, BytesPipe Pipe) Wrapped()
    {
        var bytes = new byte[1024 * 1024];
        bytes[^1] = 7;
        return (new WeakReference(bytes), new RequestBytes(bytes), new BytesPipe(bytes));
    }

    /// <summary>Reads the pipe to its end as gRPC does; its buffers stay in this method, not the test's state.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<long> ReadAll(BytesPipe pipe)
    {
        var result = await pipe.Reader.ReadAsync();
        var length = result.Buffer.Length;
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    private static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public async Task ReleasedBodyAndCompletedPipe_KeepNoReferenceToTheBytes()
    {
        var (weak, body, pipe) = Wrapped();
        var read = new byte[2 * 1024 * 1024];
        Assert.Equal(1024 * 1024, await body.ReadAsync(read));
        Assert.Equal(7, read[1024 * 1024 - 1]);
        Assert.Equal(1024 * 1024, await ReadAll(pipe));
        Collect();
        Assert.True(weak.IsAlive, "the bytes must live while the call may read them");

        body.Release();
        await pipe.Reader.CompleteAsync();
        Collect();
        Assert.False(weak.IsAlive, "the request's bytes are still reachable from its body or pipe");
        Assert.Equal(0, await body.ReadAsync(read));
        GC.KeepAlive(body);
        GC.KeepAlive(pipe);
    }
}
