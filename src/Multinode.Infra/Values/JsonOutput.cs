using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Multinode.Infra.Values;

/// <summary>
/// The one way the CLI, golden files and the schema write JSON: UTF-8, text outside ASCII kept as is (a "≈" stays
/// "≈"), indented for documents. <see cref="Write(TextWriter, Action{Utf8JsonWriter})"/> streams a document to its
/// output in pieces, so that a plan of tens of thousands of workloads never sits in memory as one string.
/// </summary>
public static class JsonOutput
{
    /// <summary>Indented documents: plans, diffs, simulations, the schema.</summary>
    public static readonly JsonWriterOptions Indented =
        new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One-line values: quoted strings in messages, compact value text.</summary>
    public static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Bytes a writer may hold before <see cref="FlushIfFull"/> hands them to the output.</summary>
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Writes one indented document and a final newline to <paramref name="output"/>; <paramref name="write"/>
    /// calls <see cref="FlushIfFull"/> between items so that only about one chunk is held at a time.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var stream = new TextStream(output);
        Write(stream, write);
    }

    /// <summary>As <see cref="Write(TextWriter, Action{Utf8JsonWriter})"/>, but the UTF-8 goes to
    /// <paramref name="output"/> as it is, not decoded to text and encoded again: for a byte stream such as the
    /// process's standard output.</summary>
    public static void Write(Stream output, Action<Utf8JsonWriter> write)
    {
        using (var w = new Utf8JsonWriter(output, Indented))
            write(w);
        output.WriteByte((byte)'\n');
        output.Flush();
    }

    /// <summary>One indented document with a final newline, as a string.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(text, write);
        return text.ToString();
    }

    /// <summary>A value as text with the given options, no final newline.</summary>
    public static string Text(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, options))
            write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Hands what the writer holds to its output once it passes a chunk; call it between items.</summary>
    public static void FlushIfFull(Utf8JsonWriter w)
    {
        if (w.BytesPending >= ChunkBytes) w.Flush();
    }

    /// <summary>UTF-8 bytes in, text out: a write-only stream over a <see cref="TextWriter"/> (console or string).
    /// </summary>
    private sealed class TextStream(TextWriter output) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private char[] _chars = [];

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var count = _decoder.GetCharCount(buffer, flush: false);
            if (_chars.Length < count) _chars = new char[Math.Max(count, 4096)];
            var written = _decoder.GetChars(buffer, _chars, flush: false);
            output.Write(_chars, 0, written);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush() => output.Flush();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
