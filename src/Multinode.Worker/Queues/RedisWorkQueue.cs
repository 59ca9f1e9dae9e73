using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Queues;

/// <summary>A Redis list consumed with <c>BLMOVE list processing RIGHT LEFT</c>. Each item in hand has a lease key
/// (<c>processing:lease:SHA1(item)</c>, value = this worker's token, TTL = the lease, renewed every third of it).
/// Finishing is one script: reply, <c>LREM</c>, drop the lease — only while the lease is still ours, so a reply is
/// posted once. Any worker's sweep returns items that have had no lease for a whole lease period to the list.</summary>
public sealed class RedisWorkQueue : IWorkQueue
{
    // KEYS: processing, lease, reply list (or processing when none), dead list. ARGV: item, token, reply ('' when
    // none), dead ('1' to set the item aside). A reply list that is another type of key cannot take the reply: the
    // item goes to the dead list instead (2), once, rather than failing the script on every retry.
    private static readonly LuaScript FinishScript = new("""
        if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
        local result = 1
        if ARGV[3] ~= '' then
          local t = redis.call('TYPE', KEYS[3]).ok
          if t == 'list' or t == 'none' then redis.call('RPUSH', KEYS[3], ARGV[3]) else result = 2 end
        end
        if ARGV[4] ~= '' or result == 2 then redis.call('RPUSH', KEYS[4], ARGV[1]) end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('DEL', KEYS[2])
        return result
        """);

    // KEYS: processing, lease, list. ARGV: item, token. Back to the consumer end, only while the lease is ours.
    private static readonly LuaScript ReturnScript = new("""
        if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('RPUSH', KEYS[3], ARGV[1])
        redis.call('DEL', KEYS[2])
        return 1
        """);

    private static readonly LuaScript RenewScript = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        """);

    // KEYS: list, processing. ARGV: lease key prefix, token, lease ms. While items keep coming, taking one is this
    // single round trip: move it and set its lease together (no sweep grace needed), returning {item, sha1}. Only
    // an empty list falls back to the blocking BLMOVE.
    private static readonly LuaScript TakeScript = new("""
        local item = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
        if not item then return false end
        local h = redis.sha1hex(item)
        redis.call('SET', ARGV[1] .. h, ARGV[2], 'PX', ARGV[3])
        return {item, h}
        """);

    // KEYS: processing, list, orphans hash. ARGV: lease key prefix, grace ms. An item without a lease is first
    // noted with the server's time; still without one a grace period later, it goes back to the consumer end of
    // the list. The grace covers the instant between BLMOVE and setting the lease.
    private static readonly LuaScript SweepScript = new("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local seen = {}
        local moved = 0
        for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
          local h = redis.sha1hex(item)
          seen[h] = true
          if redis.call('EXISTS', ARGV[1] .. h) == 1 then
            redis.call('HDEL', KEYS[3], h)
          else
            local first = redis.call('HGET', KEYS[3], h)
            if not first then
              redis.call('HSET', KEYS[3], h, now)
            elseif now - tonumber(first) >= tonumber(ARGV[2]) then
              redis.call('LREM', KEYS[1], 1, item)
              redis.call('RPUSH', KEYS[2], item)
              redis.call('HDEL', KEYS[3], h)
              moved = moved + 1
            end
          end
        end
        for _, h in ipairs(redis.call('HKEYS', KEYS[3])) do
          if not seen[h] then redis.call('HDEL', KEYS[3], h) end
        end
        return moved
        """);

    private readonly string _list, _processing, _token;
    private readonly TimeSpan _lease;
    private readonly RedisEndpoint _endpoint;
    private readonly RedisLink _control;
    private readonly Replies _replies;
    private RespConnection? _blocking;
    private string? _repliedFor;
    private bool _flowing;

    /// <summary>How much longer than its blocking time a BLMOVE may stay unanswered before the connection is taken
    /// for dead (a failover, a NAT that dropped it) and replaced.</summary>
    public static readonly TimeSpan BlockingGrace = TimeSpan.FromSeconds(5);

    public RedisWorkQueue(RedisEndpoint endpoint, string list, string processing, TimeSpan lease, RedisLink control, Replies replies)
    {
        _endpoint = endpoint;
        _list = list;
        _processing = processing;
        _lease = lease;
        _control = control;
        _replies = replies;
        _token = $"{Environment.MachineName}-{Guid.NewGuid():N}";
    }

    public TimeSpan KeepEvery => _lease / 3;

    public string LeaseKey(byte[] item) => $"{_processing}:lease:{Convert.ToHexStringLower(SHA1.HashData(item))}";

    private string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public async Task<TakenItem?> TakeAsync(TimeSpan wait, CancellationToken cancel)
    {
        if (_flowing)
        {
            // The last take found an item: more are likely waiting. Not cancelled mid-command, as below.
            var taken = await _control.EvalAsync(TakeScript, 2, CancellationToken.None, _list, _processing,
                $"{_processing}:lease:", _token, Ms(_lease));
            if (taken is object?[] { Length: 2 } pair && pair[0] is byte[] moved && pair[1] is byte[] hash)
                return new TakenItem(moved, $"{_processing}:lease:{Encoding.ASCII.GetString(hash)}");
            _flowing = false;
        }
        // Not cancelled mid-command: an item BLMOVE moved must be seen and leased, or the sweep has to recover it.
        _blocking ??= await RespConnection.ConnectAsync(_endpoint, cancel);
        object? item;
        try
        {
            var seconds = Math.Max(0.01, wait.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
            item = await _blocking.RunAsync(wait + BlockingGrace, true, CancellationToken.None,
                "BLMOVE", _list, _processing, "RIGHT", "LEFT", seconds);
        }
        catch
        {
            _blocking.Dispose();
            _blocking = null;
            throw;
        }
        if (item is not byte[] body) return null;
        var lease = LeaseKey(body);
        // The item is in processing now: lease it, retrying once on a fresh connection (the sweep recovers it if not).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _control.RunAsync(CancellationToken.None, "SET", lease, _token, "PX", Ms(_lease));
                _flowing = true;
                return new TakenItem(body, lease);
            }
            catch (Exception e) when (attempt < 3 && Calls.Transient(e))
            {
            }
        }
    }

    public async Task KeepAsync(TakenItem item, CancellationToken cancel) =>
        await _control.EvalAsync(RenewScript, 1, cancel, item.Handle, _token, Ms(_lease));

    public Task<Finished> FinishAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel) =>
        FinishAsync(item, replyTo, reply, dead: false, cancel);

    public Task<Finished> DeadLetterAsync(TakenItem item, string? replyTo, byte[]? reply, CancellationToken cancel) =>
        FinishAsync(item, replyTo, reply, dead: true, cancel);

    private async Task<Finished> FinishAsync(TakenItem item, string? replyTo, byte[]? reply, bool dead,
        CancellationToken cancel)
    {
        var sameRedis = replyTo is not null && reply is not null && !SqsClient.IsQueueUrl(replyTo);
        if (!sameRedis && replyTo is not null && reply is not null && _repliedFor != item.Handle)
        {
            // Another transport cannot join the script: reply first (once: a retry after a failed removal does not
            // send it again), so a crash in between repeats the reply (at least once) rather than losing it.
            if (!await OwnsAsync(item, cancel)) return Finished.HoldLost;
            await _replies.SendSqsAsync(replyTo, Encoding.UTF8.GetString(reply), cancel);
            _repliedFor = item.Handle;
        }
        var result = await _control.EvalAsync(FinishScript, 4, cancel, _processing, item.Handle,
            sameRedis ? replyTo! : _processing, $"{_list}:dead", item.Body, _token, sameRedis ? reply! : "", dead ? "1" : "");
        return result switch { 1L => Finished.Done, 2L => Finished.ReplyRefused, _ => Finished.HoldLost };
    }

    private async Task<bool> OwnsAsync(TakenItem item, CancellationToken cancel) =>
        await _control.RunAsync(cancel, "GET", item.Handle) is byte[] owner && Encoding.UTF8.GetString(owner) == _token;

    public async Task ReturnAsync(TakenItem item, CancellationToken cancel) =>
        await _control.EvalAsync(ReturnScript, 3, cancel, _processing, item.Handle, _list, item.Body, _token);

    public async Task<long> WaitingAsync(CancellationToken cancel) => (long)(await _control.RunAsync(cancel, "LLEN", _list))!;

    public async Task<long> CountAsync(CancellationToken cancel)
    {
        var waiting = await _control.RunAsync(cancel, "LLEN", _list);
        var inHand = await _control.RunAsync(cancel, "LLEN", _processing);
        return (long)waiting! + (long)inHand!;
    }

    public async Task SweepAsync(CancellationToken cancel) =>
        await _control.EvalAsync(SweepScript, 3, cancel, _processing, _list, $"{_processing}:orphans",
            $"{_processing}:lease:", Ms(_lease));

    public ValueTask DisposeAsync()
    {
        _blocking?.Dispose();
        return ValueTask.CompletedTask;
    }
}
