// The worker's Redis traffic per message — take (BLMOVE, 1 s block, on a connection of its own), lease (SET PX),
// finish (EVALSHA: RPUSH reply, LREM, DEL lease) — through the worker's RESP client or StackExchange.Redis (one
// multiplexer for the blocking take, one for the rest, as its docs require for blocking commands). Prints messages
// per second and CPU µs per message.    usage: probe resp|se HOST:PORT MESSAGES
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Multinode.Worker.Shared;
using StackExchange.Redis;

const string Finish = """
    if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
    redis.call('RPUSH', KEYS[3], ARGV[3])
    redis.call('LREM', KEYS[1], 1, ARGV[1])
    redis.call('DEL', KEYS[2])
    return 1
    """;
var (mode, address, count) = (args[0], args[1], int.Parse(args[2]));
var list = $"probe-{mode}";
var setup = await RespConnection.ConnectAsync(address, null, CancellationToken.None);
await setup.CommandAsync(CancellationToken.None, "DEL", list, list + ":processing", list + ":replies");
for (var i = 0; i < count; i += 500)
    await setup.CommandAsync(CancellationToken.None, ["LPUSH", list, .. Enumerable.Range(i, Math.Min(500, count - i))
        .Select(n => $$"""{"id":"m{{n}}","input":{"x":{{n}}},"replyTo":"{{list}}:replies"}""")]);
var sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Finish)));
await setup.CommandAsync(CancellationToken.None, "SCRIPT", "LOAD", Finish);
var reply = new byte[40];
var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
if (mode == "resp")
{
    var blocking = await RespConnection.ConnectAsync(address, null, CancellationToken.None);
    var control = await RespConnection.ConnectAsync(address, null, CancellationToken.None);
    for (var i = 0; i < count; i++)
    {
        var item = (byte[])(await blocking.RunAsync(TimeSpan.FromSeconds(6), true, CancellationToken.None,
            "BLMOVE", list, list + ":processing", "RIGHT", "LEFT", "1"))!;
        var lease = $"{list}:processing:lease:{Convert.ToHexStringLower(SHA1.HashData(item))}";
        await control.RunAsync(TimeSpan.FromSeconds(10), true, CancellationToken.None, "SET", lease, "token", "PX", "30000");
        await control.RunAsync(TimeSpan.FromSeconds(10), true, CancellationToken.None, "EVALSHA", sha, "3",
            list + ":processing", lease, list + ":replies", item, "token", reply);
    }
}
else
{
    ConfigurationOptions Options(int timeoutMs) => new()
    {
        EndPoints = { address }, AsyncTimeout = timeoutMs, SyncTimeout = timeoutMs, KeepAlive = 15, AbortOnConnectFail = false,
    };
    using var blockingMux = await ConnectionMultiplexer.ConnectAsync(Options(6000));
    using var controlMux = await ConnectionMultiplexer.ConnectAsync(Options(10000));
    var blocking = blockingMux.GetDatabase();
    var control = controlMux.GetDatabase();
    var finishSha = Convert.FromHexString(sha);
    for (var i = 0; i < count; i++)
    {
        var item = (byte[])(await blocking.ExecuteAsync("BLMOVE", list, list + ":processing", "RIGHT", "LEFT", 1))!;
        var lease = $"{list}:processing:lease:{Convert.ToHexStringLower(SHA1.HashData(item))}";
        await control.StringSetAsync(lease, "token", TimeSpan.FromSeconds(30));
        await control.ScriptEvaluateAsync(finishSha, [list + ":processing", lease, list + ":replies"], [item, "token", reply]);
    }
}
var elapsed = clock.Elapsed.TotalSeconds;
var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
var replies = (long)(await setup.CommandAsync(CancellationToken.None, "LLEN", list + ":replies"))!;
Console.WriteLine($"{mode} {count / elapsed:0} msg/s {used / count:0} µs/msg replies {replies}");
