using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Multinode.Worker.Shared;

namespace Multinode.Worker;

/// <summary>The user's container: <c>POST /invoke</c> with the input as body; a 2xx body is the output (JSON),
/// anything else an error.</summary>
public sealed class UserServer(HttpClient http, Uri invokeUrl, TimeSpan timeout, int maxBytes)
{
    /// <summary>Set when the last call got no HTTP answer (refused, reset, timed out): the server may be restarting.</summary>
    public bool Unreachable { get; private set; }

    /// <summary>Set when the last call lost its connection without an HTTP answer (not a timeout): the server
    /// exited or restarted under it.</summary>
    public bool Lost { get; private set; }

    /// <summary>Returns once the server accepts TCP connections (or <paramref name="cancel"/> fires).</summary>
    public async Task WaitUntilReadyAsync(Action<string> log, CancellationToken cancel)
    {
        var logged = DateTimeOffset.MinValue;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(invokeUrl.Host, invokeUrl.Port, attempt.Token);
                Unreachable = false;
                return;
            }
            catch (Exception e) when (e is SocketException || e is OperationCanceledException && !cancel.IsCancellationRequested)
            {
                if (DateTimeOffset.UtcNow - logged > TimeSpan.FromSeconds(10))
                {
                    var why = e is SocketException s ? s.SocketErrorCode.ToString() : "no answer within 2 s";
                    log($"waiting for the user server at {invokeUrl.Host}:{invokeUrl.Port.ToString(CultureInfo.InvariantCulture)} ({why})");
                    logged = DateTimeOffset.UtcNow;
                }
            }
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>Posts <paramref name="input"/> (the slice of the queue item it occupies, not a copy) and returns the
    /// reply to post (UTF-8 JSON), the output copied once, into the reply: a payload is held about three times at
    /// most (the item, the answer, the reply; docs/worker.md, "Memory").</summary>
    public async Task<byte[]> InvokeAsync(string id, ReadOnlyMemory<byte> input)
    {
        using var deadline = new CancellationTokenSource(timeout);
        HttpResponseMessage response;
        ReadOnlySequence<byte>? answer;
        try
        {
            using var content = new ReadOnlyMemoryContent(input);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, invokeUrl) { Content = content };
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            answer = await ReadCappedAsync(response, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Unreachable = true;
            var seconds = timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            return Error(id, $"the user server did not answer within {seconds} s (MULTINODE_TIMEOUT_SECONDS)", null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            Unreachable = true;
            Lost = true;
            return Error(id, $"the user server did not answer: {e.Message}", null);
        }
        Unreachable = false;
        Lost = false;
        using (response)
        {
            var status = (int)response.StatusCode;
            if (answer is not { } bytes)
                return Error(id, "the user server's answer is larger than " +
                    $"{maxBytes.ToString(CultureInfo.InvariantCulture)} bytes (MULTINODE_MAX_MESSAGE_BYTES)", status);
            if (!response.IsSuccessStatusCode)
                return Error(id, bytes.Length > 0 ? Truncate(bytes)
                    : $"the user server answered {status} {response.ReasonPhrase}", status);
            if (!IsJson(bytes, out var blank))
                return Error(id, $"the user server answered {status} with a body that is not JSON: {Truncate(bytes)}",
                    status);
            return Reply(id, blank ? Null : bytes);
        }
    }

    private static readonly ReadOnlySequence<byte> Null = new("null"u8.ToArray());

    /// <summary>Whether the body is one JSON value or blank (<paramref name="blank"/>), checked with a reader rather
    /// than a document, so nothing is allocated.</summary>
    private static bool IsJson(ReadOnlySequence<byte> body, out bool blank)
    {
        blank = true;
        foreach (var part in body)
        {
            if (part.Span.TrimStart(" \t\r\n"u8).Length == 0) continue;
            blank = false;
            break;
        }
        if (blank) return true;
        try
        {
            var reader = new Utf8JsonReader(body);
            reader.Read();
            reader.Skip();
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary><c>{"id":…,"output":…}</c> written straight into one array of its exact size.</summary>
    private static byte[] Reply(string id, ReadOnlySequence<byte> output)
    {
        var head = new ArrayBufferWriter<byte>(id.Length + 32);
        using (var writer = new Utf8JsonWriter(head))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WritePropertyName("output");
        }
        var reply = new byte[head.WrittenCount + output.Length + 1];
        head.WrittenSpan.CopyTo(reply);
        output.CopyTo(reply.AsSpan(head.WrittenCount));
        reply[^1] = (byte)'}';
        return reply;
    }

    /// <summary>The body, or null when it is longer than <c>maxBytes</c> (read no further than that). A declared
    /// length is read into one array of that size; a chunked body into chunks kept as they are (not joined: the
    /// reply is the one copy).</summary>
    private async Task<ReadOnlySequence<byte>?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > maxBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        if (declared is { } length)
        {
            var exact = new byte[length];
            await stream.ReadExactlyAsync(exact, cancel);
            return new ReadOnlySequence<byte>(exact);
        }
        Chunk? first = null, last = null;
        long total = 0;
        for (var size = 16 * 1024; ; size = Math.Min(size * 2, 1024 * 1024))
        {
            var buffer = new byte[size];
            int used = 0, read;
            while (used < size && (read = await stream.ReadAsync(buffer.AsMemory(used), cancel)) > 0)
            {
                used += read;
                if ((total += read) > maxBytes) return null;
            }
            if (used > 0)
            {
                last = new Chunk(buffer.AsMemory(0, used), last);
                first ??= last;
            }
            if (used < size) break;
        }
        return first is null ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, Chunk? previous)
        {
            Memory = memory;
            if (previous is null) return;
            previous.Next = this;
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
        }
    }

    private static byte[] Error(string id, string text, int? status) =>
        Encoding.UTF8.GetBytes(Messages.Write(new InvocationReply(id, null, new InvocationError(text, status))));

    private static string Truncate(ReadOnlySequence<byte> body) =>
        Encoding.UTF8.GetString(body.Slice(0, Math.Min(body.Length, 2000))) + (body.Length <= 2000 ? "" : "…");
}
