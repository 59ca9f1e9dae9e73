using System.Globalization;
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

    public async Task<InvocationReply> InvokeAsync(InvocationMessage message)
    {
        using var deadline = new CancellationTokenSource(timeout);
        HttpResponseMessage response;
        string body;
        try
        {
            using var content = new StringContent(message.Input.GetRawText(), Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, invokeUrl) { Content = content };
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var bytes = await ReadCappedAsync(response, deadline.Token);
            if (bytes is null)
            {
                response.Dispose();
                var limit = maxBytes.ToString(CultureInfo.InvariantCulture);
                return Error(message, $"the user server's answer is larger than {limit} bytes " +
                    "(MULTINODE_MAX_MESSAGE_BYTES)", (int)response.StatusCode);
            }
            body = Encoding.UTF8.GetString(bytes);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Unreachable = true;
            return Error(message, $"the user server did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (MULTINODE_TIMEOUT_SECONDS)", null);
        }
        catch (HttpRequestException e)
        {
            Unreachable = true;
            Lost = true;
            return Error(message, $"the user server did not answer: {e.Message}", null);
        }
        Unreachable = false;
        Lost = false;
        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                return Error(message, body.Length > 0 ? Truncate(body) : $"the user server answered {status} {response.ReasonPhrase}", status);
            if (body.Trim().Length == 0) return new InvocationReply(message.Id, JsonDocument.Parse("null").RootElement, null);
            try
            {
                using var output = JsonDocument.Parse(body);
                return new InvocationReply(message.Id, output.RootElement.Clone(), null);
            }
            catch (JsonException)
            {
                return Error(message, $"the user server answered {status} with a body that is not JSON: {Truncate(body)}", status);
            }
        }
    }

    /// <summary>The body, or null when it is longer than <c>maxBytes</c> (read no further than that).</summary>
    private async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength > maxBytes) return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static InvocationReply Error(InvocationMessage message, string text, int? status) =>
        new(message.Id, null, new InvocationError(text, status));

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
