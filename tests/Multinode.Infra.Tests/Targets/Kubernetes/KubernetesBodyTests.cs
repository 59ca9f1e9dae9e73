using Multinode.Infra.Targets.Kubernetes;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Kubernetes;

public sealed class KubernetesBodyTests
{
    [Fact]
    public void Inputs_HeldValues_ReturnWhereTheirObjectsAre()
    {
        var body = new KubernetesBody();
        var secret = PropertyValue.Secret("s3cr3t");
        var unknownList = PropertyValue.Unknown;
        var model = new k8s.Models.V1Container
        {
            Name = body.Text("plain"),
            Image = body.Text(PropertyValue.Unknown),
            Command = body.List(unknownList),
            Args = body.List(PropertyValue.From([PropertyValue.From("--a"), secret])),
        };
        var inputs = body.Inputs(model, k8s.SourceGenerationContext.Default.V1Container);
        Assert.Equal(new PropertyMap(
            ("args", PropertyValue.From([PropertyValue.From("--a"), secret])),
            ("command", PropertyValue.Unknown),
            ("image", PropertyValue.Unknown),
            ("name", "plain")), inputs);
    }

    [Fact]
    public void Text_KnownString_IsNotHeld()
    {
        var body = new KubernetesBody();
        Assert.Equal("ghcr.io/x:1", body.Text("ghcr.io/x:1"));
        Assert.Null(body.List(null));
    }

    [Fact]
    public void Inputs_HeldObjects_AreFoundByIdentityNotByText()
    {
        var body = new KubernetesBody();
        var unknown = body.Text(PropertyValue.Unknown);
        // The same text as a held string, but another object: planned as the text it is.
        var sameText = new string(unknown.AsSpan());
        var model = new k8s.Models.V1Container { Name = sameText, Image = unknown, Command = body.List(PropertyValue.Secret(PropertyValue.Strings(["/x"]))) };
        var inputs = body.Inputs(model, k8s.SourceGenerationContext.Default.V1Container);
        Assert.Equal(new PropertyMap(
            ("command", PropertyValue.Secret(PropertyValue.Strings(["/x"]))),
            ("image", PropertyValue.Unknown),
            ("name", sameText)), inputs);
    }

    [Fact]
    public void Inputs_Model_UsesKubernetesJsonConventions()
    {
        var body = new KubernetesBody();
        var inputs = body.Inputs(new k8s.Models.V1PodDisruptionBudgetSpec { MaxUnavailable = 1, MinAvailable = "50%" },
            k8s.SourceGenerationContext.Default.V1PodDisruptionBudgetSpec);
        // camelCase, nulls omitted, IntOrString as a number or a string.
        Assert.Equal(new PropertyMap(("maxUnavailable", 1), ("minAvailable", "50%")), inputs);
    }
}
