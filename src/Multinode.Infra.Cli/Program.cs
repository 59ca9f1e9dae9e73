return Multinode.Infra.Cli.Cli.Run(args, Console.Out, Console.Error);
