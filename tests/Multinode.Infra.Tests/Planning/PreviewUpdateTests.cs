using Multinode.Infra.Planning;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Planning;

/// <summary>
/// Preview registers exactly the children update registers (issue 21, item 2). In preview the engine sends a value
/// that another resource's creation decides as unknown (secret when the output is known to be one); in update the
/// same input arrives known. Pulumi's update plans (<c>pulumi up --plan</c>) refuse an update that registers a
/// resource the preview did not (https://www.pulumi.com/docs/iac/concepts/update-plans/), so for every kind and target
/// the set of child (type, name) pairs must not depend on whether an input is known.
/// </summary>
public sealed class PreviewUpdateTests
{
    private static readonly string[] Targets = ["aws", "kubernetes"];

    private static PropertyMap Config(string target, PropertyValue subnets, PropertyValue? vpc) => target == "aws"
        ? new PropertyMap(("target", "aws"), ("aws", new PropertyMap(("subnetIds", subnets), ("vpcId", vpc))))
        : new PropertyMap(("target", "kubernetes"));

    private static PropertyMap Properties(WorkloadKind kind, PropertyValue image, PropertyValue env) => new(
        ("image", image), ("env", env), ("schedule", kind == ScheduledTaskKind.Instance ? PropertyValue.From("0 3 * * *") : null));

    private static PropertyValue Subnets => PropertyValue.Strings(["subnet-a", "subnet-b"]);

    /// <summary>(what preview sees, what update sees) for each input another resource may decide.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "image", "ecr" }, { "image", "ghcr" }, { "secret image", "ecr" },
        { "subnets", "" }, { "vpcId", "" }, { "env value", "" }, { "secret env value", "" },
        { "secret whole env", "" }, { "whole env", "" }, { "aws settings", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_UnknownInPreviewKnownInUpdate_RegistersTheSameChildren(string unknown, string imageAtUpdate)
    {
        const string ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0";
        var known = imageAtUpdate == "ghcr" ? "ghcr.io/example/app:1.0" : ecr;
        foreach (var target in Targets)
        {
            foreach (var kind in WorkloadKinds.All)
            {
                // A whole env map from another resource's output: unknown in preview (secret when the output is), the
                // map in update.
                PropertyValue Env(bool preview) => unknown switch
                {
                    "env value" => new PropertyMap(("A", preview ? PropertyValue.Unknown : "x")),
                    "secret env value" => new PropertyMap(("A", PropertyValue.Secret(preview ? PropertyValue.Unknown : "x"))),
                    "secret whole env" => PropertyValue.Secret(preview ? PropertyValue.Unknown : new PropertyMap(("A", "x"))),
                    "whole env" => preview ? PropertyValue.Unknown : new PropertyMap(("A", "x")),
                    _ => new PropertyMap(("A", "x")),
                };
                PropertyValue Image(bool preview) => unknown switch
                {
                    "image" => preview ? PropertyValue.Unknown : known,
                    "secret image" => PropertyValue.Secret(preview ? PropertyValue.Unknown : known),
                    _ => known,
                };
                Plan Planned(bool preview)
                {
                    // "aws settings": an explicit provider whose whole multinode:aws block is another resource's
                    // output, sent as one unknown value in preview.
                    var config = unknown == "aws settings" && preview && target == "aws"
                        ? new PropertyMap(("target", "aws"), ("aws", PropertyValue.Unknown))
                        : Config(target, unknown == "subnets" && preview ? PropertyValue.Unknown : Subnets,
                            unknown == "vpcId" ? (preview ? PropertyValue.Unknown : "vpc-1") : "vpc-1");
                    var program = new ProgramDeclaration([new ResourceDeclaration("w", kind.Token, Properties(kind, Image(preview), Env(preview)))], config);
                    var result = Planner.Plan(program, KindRegistry.Default);
                    Assert.True(result.IsValid, $"{target} {kind} {unknown} preview={preview}: {string.Join("\n", result.Failures)}");
                    return result.Value!;
                }
                static IEnumerable<(string, string)> Children(Plan plan) => plan.Workloads.SelectMany(w => w.Resources).Select(r => (r.Type, r.Name));
                Assert.True(Children(Planned(preview: true)).SequenceEqual(Children(Planned(preview: false))),
                    $"{target} {kind}: unknown {unknown}: preview registers {string.Join(", ", Children(Planned(true)))}; " +
                    $"update {string.Join(", ", Children(Planned(false)))}");
            }
        }
    }

    [Fact]
    public void Plan_AwsSettingsUnknownAsAWhole_InventsNoSetting()
    {
        var program = new ProgramDeclaration([new ResourceDeclaration("api", ServiceKind.Instance.Token,
            Properties(ServiceKind.Instance, "ghcr.io/example/app:1.0", new PropertyMap()))],
            new PropertyMap(("target", "aws"), ("aws", PropertyValue.Unknown)));
        var result = Planner.Plan(program, KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        var children = result.Value!.Workloads.Single().Resources;
        // Which egress rule, AMI, subnets and VPC the update uses is not known yet: none is made up.
        var groups = children.Where(r => r.Type == "aws:ec2/securityGroup:SecurityGroup").ToList();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.True(g.Inputs.Get("vpcId")!.ContainsUnknown));
        Assert.Contains(groups, g => g.Inputs.Get("egress") is UnknownValue);
        var template = Assert.Single(children, r => r.Type == "aws:ec2/launchTemplate:LaunchTemplate");
        Assert.IsType<UnknownValue>(template.Inputs.Get("imageId"));
        var group = Assert.Single(children, r => r.Type == "aws:autoscaling/group:Group");
        Assert.True(group.Inputs.Get("vpcZoneIdentifiers")!.ContainsUnknown);
    }

    [Fact]
    public void Plan_PlainEnvUnknownAsAWhole_StaysPlainAndReachesTheContainerUnknown()
    {
        foreach (var target in Targets)
        {
            var program = new ProgramDeclaration([new ResourceDeclaration("w", FunctionKind.Instance.Token,
                Properties(FunctionKind.Instance, "ghcr.io/example/app:1.0", PropertyValue.Unknown))],
                Config(target, Subnets, "vpc-1"));
            var result = Planner.Plan(program, KindRegistry.Default);
            Assert.True(result.IsValid, string.Join("\n", result.Failures));
            var inputs = result.Value!.Workloads.SelectMany(w => w.Resources).Select(r => PropertyValue.From(r.Inputs));
            // Not secret (the engine would have marked a secret output), and the container's env is not invented.
            Assert.DoesNotContain(inputs, i => i.ContainsSecret);
            Assert.Contains(inputs, i => i.ContainsUnknown);
        }
    }

    [Fact]
    public void Plan_UnknownImage_RegistersThePolicyWithUnknownStatements()
    {
        var program = new ProgramDeclaration(
            [new ResourceDeclaration("api", ServiceKind.Instance.Token, new PropertyMap(("image", PropertyValue.Unknown)))],
            Config("aws", Subnets, "vpc-1"));
        var policy = Planner.Plan(program, KindRegistry.Default).Value!.Workloads[0].Resources.Single(r => r.Type == "aws:iam/rolePolicy:RolePolicy");
        var statement = ((ObjectValue)policy.Inputs.Get("policy")!).Map.Get("Statement");
        Assert.IsType<UnknownValue>(statement);
    }
}
