using System.Globalization;
using System.Xml.Linq;

namespace Multinode.Worker.Shared;

/// <summary>The SQS calls the worker and <c>multinode invoke</c> make, through the Query API. The endpoint is the
/// queue URL's origin (<c>https://sqs.REGION.amazonaws.com</c>) unless an override is given (emulators).</summary>
public sealed class SqsClient(AwsQueryClient query, Uri? endpointOverride)
{
    private const string Version = "2012-11-05";

    private static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    /// <summary>True when a <c>replyTo</c> names an SQS queue (a URL) rather than a Redis list.</summary>
    public static bool IsQueueUrl(string address) =>
        address.StartsWith("https://", StringComparison.Ordinal) || address.StartsWith("http://", StringComparison.Ordinal);

    private Uri Endpoint(string queueUrl) => endpointOverride ?? new Uri(new Uri(queueUrl).GetLeftPart(UriPartial.Authority) + "/");

    private Task<XElement> Call(string queueUrl, string action, CancellationToken cancel, params KeyValuePair<string, string>[] parameters) =>
        query.CallAsync(Endpoint(queueUrl), "sqs", Version, action, [P("QueueUrl", queueUrl), .. parameters], cancel);

    private Task<XElement> Call(string queueUrl, string action, TimeSpan deadline, CancellationToken cancel,
        params KeyValuePair<string, string>[] parameters) =>
        query.CallAsync(Endpoint(queueUrl), "sqs", Version, action, [P("QueueUrl", queueUrl), .. parameters], cancel, deadline);

    public async Task SendAsync(string queueUrl, string body, CancellationToken cancel) =>
        await Call(queueUrl, "SendMessage", cancel, P("MessageBody", body));

    /// <summary>Receives at most <paramref name="max"/> messages, long-polling up to <paramref name="wait"/>.</summary>
    public async Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string queueUrl, int max, TimeSpan wait, TimeSpan? visibility,
        CancellationToken cancel, TimeSpan? deadline = null)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            P("MaxNumberOfMessages", max.ToString(CultureInfo.InvariantCulture)),
            P("WaitTimeSeconds", ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
        };
        if (visibility is { } v) parameters.Add(P("VisibilityTimeout", ((int)v.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        var root = await Call(queueUrl, "ReceiveMessage", deadline ?? wait + AwsQueryClient.DefaultDeadline, cancel, [.. parameters]);
        return [.. root.All("Message").Select(m => new SqsMessage(m.Child("Body") ?? "", m.Child("ReceiptHandle") ?? ""))];
    }

    public async Task DeleteAsync(string queueUrl, string receiptHandle, CancellationToken cancel) =>
        await Call(queueUrl, "DeleteMessage", cancel, P("ReceiptHandle", receiptHandle));

    public async Task ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibility, CancellationToken cancel) =>
        await Call(queueUrl, "ChangeMessageVisibility", cancel, P("ReceiptHandle", receiptHandle),
            P("VisibilityTimeout", ((int)visibility.TotalSeconds).ToString(CultureInfo.InvariantCulture)));

    /// <summary>Visible plus in-flight messages: the queue's share of DESIGN's "in-flight invocations".</summary>
    public async Task<long> CountAsync(string queueUrl, CancellationToken cancel, bool visibleOnly = false)
    {
        var root = await Call(queueUrl, "GetQueueAttributes", cancel,
            P("AttributeName.1", "ApproximateNumberOfMessages"), P("AttributeName.2", "ApproximateNumberOfMessagesNotVisible"));
        long total = 0;
        foreach (var attribute in root.All("Attribute"))
            if (attribute.Child("Name") is "ApproximateNumberOfMessages"
                || !visibleOnly && attribute.Child("Name") is "ApproximateNumberOfMessagesNotVisible")
                total += long.Parse(attribute.Child("Value") ?? "0", CultureInfo.InvariantCulture);
        return total;
    }

    /// <summary>Creates a queue by name at <paramref name="endpoint"/> and returns its URL.</summary>
    public async Task<string> CreateQueueAsync(Uri endpoint, string name, CancellationToken cancel)
    {
        var root = await query.CallAsync(endpointOverride ?? endpoint, "sqs", Version, "CreateQueue", [P("QueueName", name)], cancel);
        return root.Find("QueueUrl") ?? throw new AwsCallException("CreateQueue", "NoQueueUrl", root.ToString());
    }

    public async Task DeleteQueueAsync(string queueUrl, CancellationToken cancel) => await Call(queueUrl, "DeleteQueue", cancel);
}

/// <summary>A received message and the handle that deletes it or extends its visibility.</summary>
public sealed record SqsMessage(string Body, string ReceiptHandle);
