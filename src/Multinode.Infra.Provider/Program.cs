using Multinode.Infra.Provider;

if (PluginHost.Answer(args) is { } answer)
{
    Console.Out.Write(answer);
    return 0;
}
try
{
    return await PluginHost.RunAsync(args).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    return 0;
}
