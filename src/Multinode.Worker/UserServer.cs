using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Multinode.Worker.Shared;

namespace Multinode.Worker;

/// <summary>The user's container: <c>POST /invoke</c> with the input as body; a 2xx body is the output (JSON),
/// anything else an error.</summary>
public sealed class UserServer(HttpClient http, Uri invokeUrl, TimeSpan timeout)
{
    /// <summary>Set when the last call got no HTTP answer (refused, reset, timed out): the server may be restarting.</summary>
    public bool Unreachable { get; private set; }

    /// <summary>Returns once the server accepts TCP connections (or <paramref name="cancel"/> fires).</summary>
    public async Task WaitUntilReadyAsync(Action<string> log, CancellationToken cancel)
    {
        var logged = DateTimeOffset.MinValue;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(invokeUrl.Host, invokeUrl.Port, cancel);
                Unreachable = false;
                return;
            }
            catch (SocketException e)
            {
                if (DateTimeOffset.UtcNow - logged > TimeSpan.FromSeconds(10))
                {
                    log($"waiting for the user server at {invokeUrl.Host}:{invokeUrl.Port.ToString(CultureInfo.InvariantCulture)} ({e.SocketErrorCode})");
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
            response = await http.PostAsync(invokeUrl, content, deadline.Token);
            body = await response.Content.ReadAsStringAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Unreachable = true;
            return Error(message, $"the user server did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (MULTINODE_TIMEOUT_SECONDS)", null);
        }
        catch (HttpRequestException e)
        {
            Unreachable = true;
            return Error(message, $"the user server did not answer: {e.Message}", null);
        }
        Unreachable = false;
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

    private static InvocationReply Error(InvocationMessage message, string text, int? status) =>
        new(message.Id, null, new InvocationError(text, status));

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";
}
