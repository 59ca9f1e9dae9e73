// Console.Out makes a system call every 256 characters, and a large plan or diff is megabytes: buffer 64 KiB and flush
// once at the end (and where output must appear at once, as `invoke --wait`'s replies). Console.Out stays the writer, so
// the terminal is still detected for colour and width.
Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false });
// A command runs once and exits, and a large plan keeps almost everything it allocates until it is written: collections
// would only copy live objects from generation to generation (a third of a 2,000-workload diff's time). So collect
// nothing for the first 256 MiB allocated — more than a 1,000-workload plan or a 2,000-workload diff needs, little
// enough that a 10,000-workload plan stays far below its memory limit; past it the GC runs as usual (bench/cli.sh).
GC.TryStartNoGCRegion(256L << 20);
try
{
    // The composition root: the product's kinds and targets.
    return Multinode.Infra.Cli.Cli.Run(args, Console.Out, Console.Error, Multinode.Infra.Workloads.KindRegistry.Default);
}
finally
{
    Console.Out.Flush();
}
