using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>
/// Answers requests gRPC would refuse with a bare status, before gRPC reads them: a request above
/// <see cref="MaxRequestBytes"/> gets RESOURCE_EXHAUSTED with the limit as soon as its length is read; bytes that are
/// not the request message get INVALID_ARGUMENT saying so; a property value nested too deeply for protobuf (its reader
/// stops at about 33 levels of lists and objects) gets INVALID_ARGUMENT naming the property. gRPC reads a request
/// before any interceptor runs and would answer these with UNKNOWN, so this runs as middleware in front of it.
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

    /// <summary>Largest request the plugin reads (docs/provider.md, "Limits"): gRPC's own limit, checked here from the
    /// frame's length before the body is read, so a larger request is refused at once.</summary>
    public const int MaxRequestBytes = 64 * 1024 * 1024;

    public static void Use(WebApplication app) => app.Use(async (context, next) =>
    {
        if (!Methods.TryGetValue(context.Request.Path.Value ?? "", out var method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        // A gRPC frame: compressed flag, big-endian length, message. Anything else is gRPC's to refuse.
        var header = new byte[5];
        var read = await ReadFully(context.Request.Body, header, context.RequestAborted).ConfigureAwait(false);
        var length = read == 5 ? (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1)) : 0;
        if (length > MaxRequestBytes)
        {
            await Answer(context, new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the request is {length} bytes, above the multinode plugin's limit of {MaxRequestBytes} bytes (64 MB)")))
                .ConfigureAwait(false);
            return;
        }
        // Once answered, a large request's memory is given back (LargeRequestMemory).
        context.Response.OnCompleted(() =>
        {
            LargeRequestMemory.Completed(length);
            return Task.CompletedTask;
        });
        var bytes = new byte[read == 5 ? 5 + length : read];
        header.AsSpan(0, read).CopyTo(bytes);
        var body = read == 5
            ? await ReadFully(context.Request.Body, bytes.AsMemory(5), context.RequestAborted).ConfigureAwait(false)
            : 0;
        if (read == 5 && header[0] == 0 && body == length)
        {
            var problem = Problem(bytes.AsMemory(5), method.Parser, method.Fields, method.Resource);
            if (problem is not null)
            {
                await Answer(context, problem).ConfigureAwait(false);
                return;
            }
        }
        // gRPC reads the bytes already read, through a pipe over them (no copy into Kestrel's block pool, which keeps
        // its blocks), and both let go of them when the call is over (LargeRequestMemory).
        var original = (context.Request.Body, context.Features.Get<IRequestBodyPipeFeature>());
        var replay = new RequestBytes(bytes);
        var pipe = new BytesPipe(bytes);
        context.Request.Body = replay;
        context.Features.Set<IRequestBodyPipeFeature>(pipe);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Request.Body = original.Body;
            context.Features.Set(original.Item2);
            replay.Release();
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    });

    private static async Task<int> ReadFully(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Null when the message parses; else INVALID_ARGUMENT naming the too-deep property, or saying the bytes
    /// are not the request message at all.</summary>
    private static RpcException? Problem(ReadOnlyMemory<byte> message, MessageParser parser, int[] fields,
        string resource)
    {
        try
        {
            parser.ParseFrom(message.Span);
            return null;
        }
        catch (InvalidProtocolBufferException e) when (!e.Message.Contains("levels of nesting", StringComparison.Ordinal))
        {
            var name = parser.ParseFrom([]).Descriptor.FullName;
            return new RpcException(new Status(StatusCode.InvalidArgument,
                $"the request is not a valid {name} message: {e.Message}"));
        }
        catch (InvalidProtocolBufferException)
        {
        }
        var path = Deepest(message, fields);
        return ProviderErrors.InvalidInput([new ValidationFailure(resource, path,
            $"{path} nests lists and objects deeper than protobuf reads (about 33 levels); this provider reads at most {PropertyConverter.MaxDepth}")]);
    }

    /// <summary>A trailers-only answer: the status travels in the headers of an empty response.</summary>
    private static async Task Answer(Microsoft.AspNetCore.Http.HttpContext context, RpcException e)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = PercentEncode(e.Status.Detail);
        if (e.Trailers.GetValueBytes(ProviderErrors.StatusDetailsKey) is { } details)
            context.Response.Headers[ProviderErrors.StatusDetailsKey] = Convert.ToBase64String(details).TrimEnd('=');
        await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>The first top-level property whose value protobuf cannot read, of a message too deep to
    /// parse.</summary>
    private static string Deepest(ReadOnlyMemory<byte> message, int[] structFields)
    {
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
            return "inputs";
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
