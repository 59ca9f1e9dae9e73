using Multinode.Infra.Cli;
using Multinode.Infra.Values;
using YamlDotNet.RepresentationModel;

namespace Multinode.Infra.Tests;

/// <summary>Builds property maps from YAML text, the way programs write them (".nan", "${x}", "fn::secret").</summary>
public static class Yaml
{
    public static PropertyMap Map(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0) return PropertyMap.Empty;
        return ProgramLoader.Convert(stream.Documents[0].RootNode, _ => null) is ObjectValue o ? o.Map : PropertyMap.Empty;
    }
}
