using static Multinode.Worker.Tests.EndToEnd.Harness;

namespace Multinode.Worker.Tests.EndToEnd;

/// <summary>Workers on an SQS queue served by sqslite (npm), driven by <c>multinode invoke --sqs</c>.</summary>
public sealed class SqsWorkerTests(SqsEmulator sqs) : IClassFixture<SqsEmulator>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task CliInvoke_TwoWorkersOnSqs_EveryReplyOnceAndReplyQueueDeleted()
    {
        using var http = new HttpClient();
        var client = sqs.Client(http);
        var queue = await client.CreateQueueAsync(sqs.Endpoint, "square", CancellationToken.None);
        using var server = new UserServerProcess("examples/square-function/server.js", ready: "square server on");
        await server.ReadyAsync();
        Dictionary<string, string?> Env() => new()
        {
            ["MULTINODE_KIND"] = "function",
            ["MULTINODE_WORKLOAD"] = "square",
            ["MULTINODE_QUEUE_KIND"] = "aws-sqs",
            ["MULTINODE_QUEUE"] = queue,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ACCESS_KEY_ID"] = "AKIDTESTWORKER",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["MULTINODE_TIMEOUT_SECONDS"] = "10",
            ["MULTINODE_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        using var a = StartWorker(Env());
        using var b = StartWorker(Env());
        var (file, args) = Repo.Cli();
        using var cli = new Child(file, [.. args, "invoke", "--sqs", queue, "--sqs-endpoint", sqs.Endpoint.ToString(), "--input", """{"x":-4}""",
            "--count", "30", "--wait", "--timeout", "30"], new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDTESTCLI",
                ["AWS_SECRET_ACCESS_KEY"] = "secret",
            });

        Assert.Equal(0, await cli.WaitAsync(Limit));
        var lines = cli.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30, lines.Length);
        Assert.Equal(30, lines.Distinct().Count());
        Assert.All(lines, l => Assert.EndsWith("\"output\":{\"y\":16}}", l, StringComparison.Ordinal));
        Assert.Equal(0, await client.CountAsync(queue, CancellationToken.None));
        var reply = await Assert.ThrowsAsync<Multinode.Worker.Shared.AwsCallException>(() =>
            client.CountAsync(queue.Replace("/square", $"/multinode-replies-{lines[0][7..19]}", StringComparison.Ordinal), CancellationToken.None));
        Assert.Contains("NonExistentQueue", reply.Message, StringComparison.Ordinal);
        Assert.True(a.Output.Contains("serving", StringComparison.Ordinal) && b.Output.Contains("serving", StringComparison.Ordinal));
    }
}
