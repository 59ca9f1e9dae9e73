namespace Multinode.Infra.Tests.Cli;

/// <summary>Runs the CLI in-process against a temporary folder that is removed afterwards.</summary>
public abstract class CliFixture : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("multinode-cli-").FullName;

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);
}

/// <summary>Runs the `multinode` command in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Multinode.Infra.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
