using Multinode.Infra.Provider;

if (PluginHost.Answer(args) is { } answer)
{
    Console.Out.Write(answer);
    return 0;
}
try
{
    // The composition root: the product's kinds and targets.
    return await PluginHost.RunAsync(args, Multinode.Infra.Workloads.KindRegistry.Default).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    return 0;
}
