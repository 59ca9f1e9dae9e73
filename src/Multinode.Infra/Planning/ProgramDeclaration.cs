using Multinode.Infra.Values;

namespace Multinode.Infra.Planning;

/// <summary>One declared resource of a program: its logical name, type token and properties as written.</summary>
public sealed record ResourceDeclaration(string Name, string Token, PropertyMap Properties);

/// <summary>A program as the core sees it: the <c>multinode:*</c> resources and config, from YAML or from the engine.</summary>
public sealed record ProgramDeclaration(IReadOnlyList<ResourceDeclaration> Resources, PropertyMap Config);
