using Multinode.Infra.Provider;

try
{
    return await PluginHost.RunAsync(args).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    return 0;
}
