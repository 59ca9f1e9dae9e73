using System.Text.Json;
using System.Text.Json.Serialization;

namespace Multinode.Worker.Shared;

/// <summary>One invocation on the queue: <c>{"id", "input", "replyTo"?}</c>. Shared by the worker and
/// <c>multinode invoke</c> (this file is linked into both), so the two sides cannot drift.</summary>
public sealed record InvocationMessage(string Id, JsonElement Input, string? ReplyTo);

/// <summary>The answer posted to <c>replyTo</c>: exactly one of <see cref="Output"/> and <see cref="Error"/>.</summary>
public sealed record InvocationReply(string Id, JsonElement? Output, InvocationError? Error);

/// <summary>Why an invocation has no output. <see cref="Status"/> is the user server's HTTP status, or null when
/// there was no response (refused, crashed, timed out) or the message itself was malformed.</summary>
public sealed record InvocationError(string Message, int? Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InvocationMessage))]
[JsonSerializable(typeof(InvocationReply))]
public sealed partial class MessageJson : JsonSerializerContext;

/// <summary>Reading and writing messages in one place.</summary>
public static class Messages
{
    public static string Write(InvocationMessage message) => JsonSerializer.Serialize(message, MessageJson.Default.InvocationMessage);

    public static string Write(InvocationReply reply) => JsonSerializer.Serialize(reply, MessageJson.Default.InvocationReply);

    public static InvocationReply ReadReply(string json) =>
        JsonSerializer.Deserialize(json, MessageJson.Default.InvocationReply) ?? throw new JsonException("a reply must be a JSON object");

    /// <summary>How deeply a message may nest (JSON's default reader allows 64).</summary>
    public const int MaxDepth = 256;

    public static ParsedMessage Read(string body) => Read(System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>Parses a queue item as the bytes it is (<see cref="Scan"/>), with the input as a JSON element.</summary>
    public static ParsedMessage Read(byte[] body)
    {
        var scanned = Scan(body);
        if (scanned.InputAt is not { } at) return scanned;
        using var input = JsonDocument.Parse(body.AsMemory(at), new JsonDocumentOptions { MaxDepth = MaxDepth });
        var message = new InvocationMessage(scanned.Id!, input.RootElement.Clone(), scanned.ReplyTo);
        return scanned with { Message = message };
    }

    /// <summary>Checks a queue item with a forward-only reader, building no document (a document's index is about
    /// as large as the item): its <c>id</c>, <c>replyTo</c> and where its <c>input</c> sits
    /// (<see cref="ParsedMessage.InputAt"/>, set only when the item is a valid message). A malformed item still
    /// yields its <c>id</c> and <c>replyTo</c> when those are readable strings, so its sender can be told what was
    /// wrong; <see cref="ParsedMessage.Poison"/> marks an item no retry can fix (not UTF-8, not JSON, too deep).
    /// A property given twice counts with its last value.</summary>
    public static ParsedMessage Scan(byte[] body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return new ParsedMessage(null, null, null, "the message is not valid UTF-8", true);
        string? id = null, replyTo = null;
        Range? input = null;
        var replyToKind = JsonTokenType.None;
        JsonTokenType root;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read()) throw new JsonException("the item is empty");
            root = reader.TokenType;
            while (root == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("id"u8) ? "id" : reader.ValueTextEquals("replyTo"u8) ? "replyTo"
                    : reader.ValueTextEquals("input"u8) ? "input" : null;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var text = name is "id" or "replyTo" && reader.TokenType == JsonTokenType.String
                    ? reader.GetString() : null;
                reader.Skip();
                if (name == "id") id = text is { Length: > 0 } ? text : null;
                if (name == "replyTo")
                    (replyTo, replyToKind) = (text is { Length: > 0 } ? text : null, reader.TokenType);
                if (name == "input") input = start..(int)reader.BytesConsumed;
            }
            if (root != JsonTokenType.StartObject) reader.Skip();
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            var (readId, readReplyTo) = Address(body);
            var deep = e.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase);
            var problem = deep ? $"the message nests deeper than {MaxDepth} levels" : $"the message is not JSON: {e.Message}";
            return new ParsedMessage(null, readId, readReplyTo, problem, true);
        }
        if (root != JsonTokenType.StartObject)
            return new ParsedMessage(null, null, null, $"the message must be a JSON object, got {Kind(root)}");
        var problems = new List<string>();
        if (id is null) problems.Add("\"id\" must be a non-empty string");
        if (replyToKind is not (JsonTokenType.None or JsonTokenType.String or JsonTokenType.Null))
            problems.Add("\"replyTo\" must be a string (a Redis list or an SQS queue URL)");
        if (input is null) problems.Add("\"input\" is missing");
        return problems.Count == 0
            ? new ParsedMessage(null, id, replyTo, null, InputAt: input)
            : new ParsedMessage(null, id, replyTo, string.Join("; ", problems));
    }

    private static JsonValueKind Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

    /// <summary>The top level's <c>id</c> and <c>replyTo</c> strings, read without a depth limit (the reader
    /// skips nested values without recursion).</summary>
    private static (string? Id, string? ReplyTo) Address(byte[] body)
    {
        string? id = null, replyTo = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = int.MaxValue });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, null);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && name is "id" or "replyTo")
                {
                    if (name == "id") id = reader.GetString();
                    else replyTo = reader.GetString();
                }
                else reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
        return (id is { Length: > 0 } ? id : null, replyTo is { Length: > 0 } ? replyTo : null);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;
}

/// <summary>A queue item read: either a message (<see cref="Message"/> from <see cref="Messages.Read(byte[])"/>,
/// <see cref="InputAt"/> from <see cref="Messages.Scan"/>), or <see cref="Problem"/> with whatever address was
/// readable.</summary>
public sealed record ParsedMessage(InvocationMessage? Message, string? Id, string? ReplyTo, string? Problem,
    bool Poison = false, Range? InputAt = null);
