using CsCheck;
using Multinode.Infra.Planning;
using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Planning;

/// <summary>DependsOn, the inputs' references and whether they hold an unknown are computed once per resource in one
/// pass: they must be exactly what the inputs' references, the explicit ordering and <see cref="PropertyValue.ContainsUnknown"/>
/// give, and a copy with other inputs must not keep the original's.</summary>
public sealed class PlannedResourceTests
{
    /// <summary>Few sibling names, so that references repeat within and across nested values.</summary>
    private static readonly Gen<string> Sibling = Gen.OneOf("queue", "role", "asg", "lt", "sg", "dlq");

    private static Gen<PropertyValue> Value(int depth)
    {
        var leaf = Gen.Frequency(
            (3, Gen.Select(Sibling, Gen.OneOf("arn", "id", "name"), PropertyValue.Reference)),
            (2, Gen.String[0, 4].Select(PropertyValue.From)),
            (1, Gen.Double.Select(PropertyValue.From)),
            (1, Gen.Const(PropertyValue.Unknown)),
            (1, Gen.Const(PropertyValue.Null)));
        if (depth == 0) return leaf;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (4, leaf),
            (1, inner.Select(PropertyValue.Secret)),
            (1, inner.Array[0, 4].Select(items => PropertyValue.Concat(items))),
            (1, inner.Array[0, 4].Select(items => PropertyValue.From(items))),
            (2, Inputs(inner).Select(PropertyValue.From)));
    }

    private static Gen<PropertyMap> Inputs(Gen<PropertyValue> value) =>
        Gen.Select(Gen.OneOf("spec", "metadata", "arn", "tags", "x"), value).Array[0, 5]
            .Select(entries => new PropertyMap(entries.Select(e => KeyValuePair.Create(e.Item1, e.Item2))));

    private static readonly Gen<PlannedResource> Resource = Gen.Select(Inputs(Value(3)), Sibling.Array[0, 3],
        (inputs, extra) => new PlannedResource("kubernetes:apps/v1:Deployment", "w", inputs, ResourceOptions.None) { ExtraDependsOn = extra });

    /// <summary>The definition: every referenced child in order of first appearance, then the extra ordering, each once.</summary>
    private static List<string> Walked(PlannedResource r) =>
        [.. PropertyValue.From(r.Inputs).References().Concat(r.ExtraDependsOn).Distinct(StringComparer.Ordinal)];

    [Fact]
    public void DependsOn_AnyInputs_EqualsReferencesThenExtraInOrderOfFirstAppearance() =>
        Resource.Sample(r => Assert.Equal(Walked(r), r.DependsOn), iter: 2000);

    [Fact]
    public void InputReferences_AnyInputs_EqualsTheReferencesOfTheInputs() =>
        Resource.Sample(r => Assert.Equal(PropertyValue.From(r.Inputs).References(), r.InputReferences), iter: 2000);

    [Fact]
    public void InputsHoldUnknown_AnyInputs_EqualsContainsUnknown() =>
        Resource.Sample(r => Assert.Equal(PropertyValue.From(r.Inputs).ContainsUnknown, r.InputsHoldUnknown), iter: 2000);

    [Fact]
    public void InputsHoldUnknown_CopyWithOtherInputs_FollowsTheCopy() =>
        Gen.Select(Resource, Resource).Sample((a, b) =>
        {
            _ = a.InputsHoldUnknown;
            var copy = a with { Inputs = b.Inputs };
            Assert.Equal(PropertyValue.From(b.Inputs).ContainsUnknown, copy.InputsHoldUnknown);
            Assert.Equal(PropertyValue.From(b.Inputs).References(), copy.InputReferences);
        }, iter: 500);

    [Fact]
    public void DependsOn_ReadTwice_SameList() =>
        Resource.Sample(r => Assert.Same(r.DependsOn, r.DependsOn), iter: 100);

    [Fact]
    public void DependsOn_CopyWithOtherInputsOrExtra_FollowsTheCopy() =>
        Gen.Select(Resource, Resource).Sample((a, b) =>
        {
            _ = a.DependsOn;
            Assert.Equal(Walked(b with { ExtraDependsOn = a.ExtraDependsOn }), (a with { Inputs = b.Inputs }).DependsOn);
            Assert.Equal(Walked(a with { ExtraDependsOn = b.ExtraDependsOn }), (a with { ExtraDependsOn = b.ExtraDependsOn }).DependsOn);
        }, iter: 500);

    [Fact]
    public void Equality_DependsOnReadOnOneSideOnly_StillEqual()
    {
        var inputs = new PropertyMap(("role", PropertyValue.Reference("role", "arn")));
        var extra = new[] { "queue" };
        var read = new PlannedResource("aws:iam/role:Role", "r", inputs, ResourceOptions.None) { ExtraDependsOn = extra };
        var unread = new PlannedResource("aws:iam/role:Role", "r", inputs, ResourceOptions.None) { ExtraDependsOn = extra };
        Assert.Equal(["role", "queue"], read.DependsOn);
        Assert.Equal(read, unread);
        Assert.Equal(read.GetHashCode(), unread.GetHashCode());
        Assert.NotEqual(read, read with { Inputs = PropertyMap.Empty });
    }
}
