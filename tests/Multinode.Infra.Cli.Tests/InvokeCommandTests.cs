namespace Multinode.Infra.Cli.Tests;

/// <summary>`multinode invoke` usage errors (its queue paths run end to end in tests/Multinode.Worker.Tests).</summary>
public sealed class InvokeCommandTests
{
    [Fact]
    public void Invoke_BothQueuesBadInputAndCount_EveryProblemExitsTwo()
    {
        var (code, stdout, stderr) = CliRunner.Run("invoke", "--redis", "localhost:x", "--sqs", "queue", "--input", "{x", "--count", "0");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal("""
            error: give either --redis ADDRESS --list NAME or --sqs QUEUE_URL
            error: --redis needs --list NAME (the workload's queue)
            error: --redis 'localhost:x' must be host:port
            error: --sqs 'queue' must be a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)
            error: --count 0 must be from 1 to 100000

            """, stderr[..stderr.IndexOf("error: --input is not JSON", StringComparison.Ordinal)]);
        Assert.Contains("error: --input is not JSON: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_NoInput_UsageError()
    {
        var (code, _, stderr) = CliRunner.Run("invoke", "--redis", "127.0.0.1:6379", "--list", "square");

        Assert.Equal(2, code);
        Assert.Contains("--input", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_RedisUnreachable_ErrorExitsOne()
    {
        var (code, _, stderr) = CliRunner.Run("invoke", "--redis", "127.0.0.1:1", "--list", "square", "--input", "{}");

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }
}
