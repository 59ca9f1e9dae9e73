using System.Buffers;
using System.IO.Pipelines;
using System.Runtime;
using Microsoft.AspNetCore.Http.Features;

namespace Multinode.Infra.Provider;

/// <summary>
/// Gives back the memory of a large request once it has been answered. A request of tens of MB is read, parsed and
/// converted several times over (the frame, protobuf's strings, the property values), all of it on the large object
/// heap, which the GC neither compacts nor returns to the OS on its own: without this the plugin stayed at 0.9–1.6 GB
/// after a few 31–64 MB requests (bench/construct-memory.sh large, docs/provider.md "Memory"). After a request of at
/// least <see cref="ThresholdBytes"/> has completed, one aggressive collection compacts the large object heap and
/// decommits what is free. Collections do not overlap: requests that end while one is pending share it.
/// </summary>
internal static class LargeRequestMemory
{
    /// <summary>Requests from this size on are followed by a collection; smaller ones never are (their garbage is
    /// the ordinary GC's, and a forced collection costs milliseconds of CPU per request).</summary>
    public const long ThresholdBytes = 8 * 1024 * 1024;

    /// <summary>How long after the answer the collection waits, so that the request's last references (the
    /// connection's buffers, the finished call's state) are gone when it runs.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    private static int _pending;

    /// <summary>Called when a request of <paramref name="bytes"/> has been answered.</summary>
    public static void Completed(long bytes)
    {
        if (bytes < ThresholdBytes || Interlocked.Exchange(ref _pending, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(Delay).ConfigureAwait(false);
            Interlocked.Exchange(ref _pending, 0);
            Collect();
        });
    }

    /// <summary>A blocking, compacting collection of every generation that also compacts the large object heap and
    /// decommits the free memory (GCCollectionMode.Aggressive).</summary>
    public static void Collect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}

/// <summary>The request's bytes, read once by gRPC, that let go of them when the call is over: Kestrel keeps a finished
/// stream's request body (and the pipe reader over it) until the pooled stream serves its next request, which would
/// keep each large request's bytes alive.</summary>
internal sealed class RequestBytes(byte[] bytes) : Stream
{
    private byte[]? _bytes = bytes;
    private int _position;

    /// <summary>Drops the bytes; reads return nothing from now on.</summary>
    public void Release() => _bytes = null;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_bytes is not { } bytes) return 0;
        var n = Math.Min(buffer.Length, bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The request body as a pipe over the bytes already read; completing the reader drops them.</summary>
internal sealed class BytesPipe(byte[] bytes) : IRequestBodyPipeFeature
{
    public PipeReader Reader { get; } = PipeReader.Create(new ReadOnlySequence<byte>(bytes));
}
