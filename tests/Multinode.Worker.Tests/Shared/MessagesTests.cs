using Multinode.Worker.Shared;

namespace Multinode.Worker.Tests.Shared;

public sealed class MessagesTests
{
    [Fact]
    public void Read_Valid_Message()
    {
        var parsed = Messages.Read("""{"id":"a","input":{"x":2},"replyTo":"r"}""");

        Assert.Null(parsed.Problem);
        Assert.Equal("a", parsed.Message!.Id);
        Assert.Equal("""{"x":2}""", parsed.Message.Input.GetRawText());
        Assert.Equal("r", parsed.Message.ReplyTo);
    }

    [Theory]
    [InlineData("""[1]""", null, null, "the message must be a JSON object, got Array")]
    [InlineData("""{"input":1,"replyTo":"r"}""", null, "r", "\"id\" must be a non-empty string")]
    [InlineData("""{"id":"a","input":null,"replyTo":5}""", "a", null, "\"replyTo\" must be a string (a Redis list or an SQS queue URL)")]
    [InlineData("""{"id":"a","replyTo":"r"}""", "a", "r", "\"input\" is missing")]
    public void Read_Malformed_ProblemAndReadableAddress(string body, string? id, string? replyTo, string problem)
    {
        var parsed = Messages.Read(body);

        Assert.Null(parsed.Message);
        Assert.Equal((id, replyTo, problem), (parsed.Id, parsed.ReplyTo, parsed.Problem));
    }

    [Fact]
    public void Read_NotJson_Problem() => Assert.StartsWith("the message is not JSON: ", Messages.Read("{").Problem, StringComparison.Ordinal);

    [Fact]
    public void Write_Replies_OutputOrError()
    {
        var output = System.Text.Json.JsonDocument.Parse("""{"y":4}""").RootElement;

        Assert.Equal("""{"id":"a","output":{"y":4}}""", Messages.Write(new InvocationReply("a", output, null)));
        Assert.Equal("""{"id":"b","error":{"message":"boom","status":500}}""", Messages.Write(new InvocationReply("b", null, new InvocationError("boom", 500))));
        Assert.Equal("""{"id":"c","input":{"y":4}}""", Messages.Write(new InvocationMessage("c", output, null)));
    }

    [Fact]
    public void Read_InvalidUtf8_PoisonNotDecodedLossily()
    {
        byte[] body = [.. "{\"id\":\"a\",\"input\":\""u8.ToArray(), 0xff, 0xfe, .. "\",\"replyTo\":\"r\"}"u8.ToArray()];

        var parsed = Messages.Read(body);

        Assert.True(parsed.Poison);
        Assert.Equal("the message is not valid UTF-8", parsed.Problem);
    }

    [Fact]
    public void Read_DeeperThanTheLimit_PoisonNamingDepthWithItsAddress()
    {
        var deep = new string('[', Messages.MaxDepth + 1) + new string(']', Messages.MaxDepth + 1);

        var parsed = Messages.Read($$"""{"id":"d","input":{{deep}},"replyTo":"r"}""");

        Assert.True(parsed.Poison);
        Assert.Equal(("d", "r", $"the message nests deeper than {Messages.MaxDepth} levels"), (parsed.Id, parsed.ReplyTo, parsed.Problem));
    }

    [Fact]
    public void Read_AtTheDepthLimit_Message()
    {
        var deep = new string('[', Messages.MaxDepth - 1) + new string(']', Messages.MaxDepth - 1);

        Assert.NotNull(Messages.Read($$"""{"id":"d","input":{{deep}},"replyTo":"r"}""").Message);
    }

    [Fact]
    public void Scan_Valid_InputIsTheSliceOfTheItem_LastDuplicateCounts()
    {
        var body = """{"id":"x","replyTo":"old","input": {"big":"payload"} ,"replyTo":"r"}"""u8.ToArray();

        var scanned = Messages.Scan(body);

        Assert.Null(scanned.Problem);
        Assert.Equal(("x", "r"), (scanned.Id, scanned.ReplyTo));
        Assert.Equal("""{"big":"payload"}""", System.Text.Encoding.UTF8.GetString(body.AsSpan(scanned.InputAt!.Value)));
    }

    [Theory]
    [InlineData("""{"id":"a","input":1} trailing""")]
    [InlineData("")]
    public void Scan_NotOneJsonValue_Poison(string body) =>
        Assert.True(Messages.Scan(System.Text.Encoding.UTF8.GetBytes(body)).Poison);
}
