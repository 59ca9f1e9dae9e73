// Console.Out makes a system call every 256 characters, and a large plan or diff is megabytes: buffer 64 KiB and flush
// once at the end (and where output must appear at once, as `invoke --wait`'s replies). Console.Out stays the writer, so
// the terminal is still detected for colour and width.
Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false });
try
{
    return Multinode.Infra.Cli.Cli.Run(args, Console.Out, Console.Error);
}
finally
{
    Console.Out.Flush();
}
