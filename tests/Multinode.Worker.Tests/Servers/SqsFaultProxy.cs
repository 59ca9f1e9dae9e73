using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Web;

namespace Multinode.Worker.Tests.Servers;

/// <summary>An HTTP forwarder in front of the SQS emulator that injects what real SQS does now and then: a 500 on
/// every Nth call of an action, a call that never answers, and SendMessage's size limit (the queue's
/// MaximumMessageSize; AWS answers InvalidParameterValue "Message must be shorter than N bytes.").</summary>
public sealed class SqsFaultProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new();
    private readonly Uri _target;
    private readonly Task _loop;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _seen = new();

    public SqsFaultProxy(Uri target)
    {
        _target = target;
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; } = Repo.FreePort();

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>Action → N: every Nth call of it answers 500 InternalError.</summary>
    public ConcurrentDictionary<string, int> FailEvery { get; } = new();

    /// <summary>Action → how many of its next calls never answer.</summary>
    public ConcurrentDictionary<string, int> Hang { get; } = new();

    public int? MaxMessageBytes { get; set; }

    public ConcurrentQueue<string> Actions { get; } = new();

    public int Injected;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var form = HttpUtility.ParseQueryString(body);
            var action = form["Action"] ?? "";
            Actions.Enqueue(action);
            var n = _seen.AddOrUpdate(action, 1, (_, v) => v + 1);
            if (Hang.TryGetValue(action, out var hangs) && hangs > 0 && Hang.TryUpdate(action, hangs - 1, hangs))
            {
                Interlocked.Increment(ref Injected);
                await _closing.Task;
                return;
            }
            int status;
            string answer;
            if (FailEvery.TryGetValue(action, out var every) && n % every == 0)
            {
                Interlocked.Increment(ref Injected);
                (status, answer) = (500, Error("InternalError", "injected 500"));
            }
            else if (action == "SendMessage" && MaxMessageBytes is { } max && Encoding.UTF8.GetByteCount(form["MessageBody"] ?? "") >= max)
            {
                (status, answer) = (400, Error("InvalidParameterValue",
                    $"One or more parameters are invalid. Reason: Message must be shorter than {max} bytes."));
            }
            else
            {
                using var forward = new HttpRequestMessage(HttpMethod.Post, new Uri(_target, context.Request.Url!.PathAndQuery))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
                };
                using var response = await _http.SendAsync(forward);
                (status, answer) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
            }
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.StatusCode = status;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or HttpRequestException)
        {
        }
    }

    private static string Error(string code, string message) =>
        $"""<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>""";

    public void Dispose()
    {
        _closing.TrySetResult();
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _http.Dispose();
    }
}
