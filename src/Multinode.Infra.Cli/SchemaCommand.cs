using System.CommandLine;
using Multinode.Infra.Schema;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Cli;

/// <summary>`multinode schema`: prints schema.json; with `--sdk nodejs OUT`, writes the typed TypeScript SDK to OUT
/// (sdk/nodejs in this repository) instead.</summary>
public static class SchemaCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, KindRegistry kinds)
    {
        var sdk = new Option<string?>("--sdk") { Description = "Write the SDK of this language to OUT instead." };
        sdk.AcceptOnlyFromAmong("nodejs");
        var output = new Argument<string?>("OUT")
        {
            Description = "Folder the SDK is written to (with --sdk).", Arity = ArgumentArity.ZeroOrOne,
        };
        var schema = new Command("schema",
            "Print the Pulumi package schema (what schema.json holds) generated from the workload model.")
        {
            sdk, output,
        };
        schema.SetAction(parse =>
        {
            var language = parse.GetValue(sdk);
            var folder = parse.GetValue(output);
            if (language is null && folder is null)
            {
                stdout.Write(PackageSchema.Generate(kinds));
                return Cli.Ok;
            }
            if (language is null || folder is null)
            {
                stderr.WriteLine("error: --sdk and OUT go together: multinode schema --sdk nodejs OUT");
                return Cli.Usage;
            }
            Directory.CreateDirectory(folder);
            var files = NodeSdk.Generate(PackageSchema.Generate(kinds));
            foreach (var (file, text) in files) File.WriteAllText(Path.Combine(folder, file), text);
            stdout.WriteLine($"wrote the {language} SDK ({files.Count} files) to {folder}");
            return Cli.Ok;
        });
        return schema;
    }
}
