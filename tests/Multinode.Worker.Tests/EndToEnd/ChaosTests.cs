using System.Globalization;
using Multinode.Worker.Shared;
using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Workers killed (SIGKILL and SIGTERM) at random while a real redis-server with an append-only file
/// (fsync always) is restarted under them: nothing lost, nothing answered twice.</summary>
public sealed class ChaosTests
{
    [Fact]
    public async Task RandomKillsAndARedisRestart_EveryMessageAnsweredExactlyOnce()
    {
        var port = Repo.FreePort();
        var folder = Directory.CreateTempSubdirectory("multinode-aof-").FullName;
        Child StartRedis() => new("redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes", "--appendfsync", "always", "--dir", folder]);
        var redisServer = StartRedis();
        var address = $"127.0.0.1:{port}";
        async Task<RespConnection> Connect()
        {
            RespConnection? connection = null;
            await UntilAsync(async () =>
            {
                try
                {
                    connection = await RespConnection.ConnectAsync(address, null, CancellationToken.None);
                    return await connection.CommandAsync(CancellationToken.None, "PING") is "PONG";
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or RedisErrorException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20), "redis-server up");
            return connection!;
        }
        using var server = new UserServerProcess();
        await server.ReadyAsync();
        Dictionary<string, string?> Env() => new()
        {
            ["MULTINODE_KIND"] = "function",
            ["MULTINODE_WORKLOAD"] = "square",
            ["MULTINODE_QUEUE_KIND"] = "redis",
            ["MULTINODE_QUEUE"] = "chaos",
            ["MULTINODE_REDIS_ADDRESS"] = address,
            ["MULTINODE_TIMEOUT_SECONDS"] = "2",
            ["MULTINODE_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture),
        };
        var (workerCount, count, killEvery) = ChaosScale.Redis;
        var kills = 0;
        var maxKills = (count - 1) / killEvery;
        var workers = Enumerable.Range(0, workerCount).Select(_ => StartWorker(Env())).ToList();
        var random = new Random(20);
        var c = await Connect();
        try
        {
            await PushAsync(c, "chaos", [.. Enumerable.Range(0, count).Select(i => Message($"c{i}", $$"""{"x":{{i}},"sleepMs":{{i % 5}}}""", "chaos:replies"))]);
            var seen = new Dictionary<string, int>();
            var restarted = false;
            var limit = ChaosScale.Limit(TimeSpan.FromSeconds(90), count, 1000);
            var until = DateTime.UtcNow + limit;
            while (seen.Count < count)
            {
                Assert.True(DateTime.UtcNow < until, $"{seen.Count} of {count} answered within {limit.TotalSeconds} s");
                try
                {
                    if (await c.CommandAsync(CancellationToken.None, "LPOP", "chaos:replies") is string json)
                    {
                        var id = Messages.ReadReply(json).Id;
                        seen[id] = seen.GetValueOrDefault(id) + 1;
                        if (seen.Count % killEvery == 0 && kills < maxKills)
                        {
                            var victim = random.Next(workers.Count);
                            workers[victim].Signal(kills++ % 2 == 0 ? Child.SigKill : Child.SigTerm);
                            workers[victim].Dispose();
                            workers[victim] = StartWorker(Env());
                        }
                        if (seen.Count == count / 2 && !restarted)
                        {
                            restarted = true;
                            redisServer.Signal(Child.SigTerm);
                            await redisServer.WaitAsync(TimeSpan.FromSeconds(20));
                            redisServer.Dispose();
                            redisServer = StartRedis();
                            c.Dispose();
                            c = await Connect();
                        }
                        continue;
                    }
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    c.Dispose();
                    c = await Connect();
                }
                await Task.Delay(10);
            }
            // Drained: nothing waits or is held, so no further reply can come.
            await UntilAsync(async () => await LengthAsync(c, "chaos") + await LengthAsync(c, "chaos:processing") == 0,
                TimeSpan.FromSeconds(30), "queue drained");
            while (await c.CommandAsync(CancellationToken.None, "LPOP", "chaos:replies") is string late)
            {
                var id = Messages.ReadReply(late).Id;
                seen[id] = seen.GetValueOrDefault(id) + 1;
            }

            Assert.True(restarted);
            Assert.Equal(maxKills, kills);
            Assert.Equal(count, seen.Count);
            Assert.DoesNotContain(seen, s => s.Value != 1);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            c.Dispose();
            redisServer.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }
}
