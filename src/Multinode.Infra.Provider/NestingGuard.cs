using System.Text;
using Google.Protobuf;
using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>
/// Answers requests that protobuf cannot read because a property value nests too deeply (its reader stops at about 33
/// levels of lists and objects) with INVALID_ARGUMENT naming the property. gRPC reads a request before any interceptor
/// runs and would answer such a request with a bare UNKNOWN, so this runs as middleware in front of it.
/// </summary>
internal static class NestingGuard
{
    /// <summary>Methods whose request carries property values: the request parser and the Struct fields' numbers.</summary>
    private static readonly Dictionary<string, (MessageParser Parser, int[] Fields, string Resource)> Methods = new(StringComparer.Ordinal)
    {
        ["/pulumirpc.ResourceProvider/Construct"] = (ConstructRequest.Parser, [10], "component"),
        ["/pulumirpc.ResourceProvider/Configure"] = (ConfigureRequest.Parser, [2], ProviderConfigReader.Resource),
        ["/pulumirpc.ResourceProvider/CheckConfig"] = (CheckRequest.Parser, [3, 2], ProviderConfigReader.Resource),
        ["/pulumirpc.ResourceProvider/DiffConfig"] = (DiffRequest.Parser, [4, 3, 6], ProviderConfigReader.Resource),
        ["/pulumirpc.ResourceProvider/Invoke"] = (InvokeRequest.Parser, [2], "invoke"),
    };

    public static void Use(WebApplication app) => app.Use(async (context, next) =>
    {
        if (!Methods.TryGetValue(context.Request.Path.Value ?? "", out var method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var bytes = body.ToArray();
        // A gRPC frame: compressed flag, big-endian length, message. Anything else is gRPC's to refuse.
        if (bytes.Length >= 5 && bytes[0] == 0 && Deepest(bytes.AsMemory(5), method.Parser, method.Fields) is { } path)
        {
            var e = ProviderErrors.InvalidInput([new ValidationFailure(method.Resource, path,
                $"{path} nests lists and objects deeper than protobuf reads (about 33 levels); this provider reads at most {PropertyConverter.MaxDepth}")]);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/grpc";
            // Trailers-only answer: the status travels in the headers of an empty response.
            context.Response.Headers["grpc-status"] = ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = PercentEncode(e.Status.Detail);
            var details = e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey)!;
            context.Response.Headers[ProviderErrors.StatusDetailsKey] = Convert.ToBase64String(details).TrimEnd('=');
            return;
        }
        context.Request.Body = new MemoryStream(bytes);
        await next(context).ConfigureAwait(false);
    });

    /// <summary>Null when the message parses; otherwise the first top-level property whose value protobuf cannot read.</summary>
    private static string? Deepest(ReadOnlyMemory<byte> message, MessageParser parser, int[] structFields)
    {
        try
        {
            parser.ParseFrom(message.Span);
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
        }
        try
        {
            var input = new CodedInputStream(message.ToArray());
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && structFields.Contains(WireFormat.GetTagFieldNumber(tag)))
                {
                    // A Struct is map<string, Value>: each entry is a key (1) and a Value message (2), read here one by one.
                    var fields = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint entryTag;
                    while ((entryTag = fields.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(entryTag) != 1) { fields.SkipLastField(); continue; }
                        var entry = new CodedInputStream(fields.ReadBytes().ToByteArray());
                        string key = "";
                        uint t;
                        while ((t = entry.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(t))
                            {
                                case 1: key = entry.ReadString(); break;
                                case 2:
                                    var value = entry.ReadBytes();
                                    // Read alone, a value has a few levels of the request's nesting budget to spare.
                                    var alone = CodedInputStream.CreateWithLimits(new MemoryStream(value.ToByteArray()), int.MaxValue, 90);
                                    try { new Google.Protobuf.WellKnownTypes.Value().MergeFrom(alone); }
                                    catch (InvalidProtocolBufferException) { return key.Length > 0 ? key : "(empty key)"; }
                                    break;
                                default: entry.SkipLastField(); break;
                            }
                        }
                    }
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // Not a request at all: gRPC answers that itself.
            return null;
        }
        // Too deep, though no one value alone is: name the request's property values as a whole.
        return "inputs";
    }

    /// <summary>grpc-message encoding: UTF-8, with bytes outside printable ASCII and '%' as %XX.</summary>
    private static string PercentEncode(string text)
    {
        var result = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%') result.Append((char)b);
            else result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }
}
