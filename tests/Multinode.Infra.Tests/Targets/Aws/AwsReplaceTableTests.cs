using System.Text.Json;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>
/// The replace-or-update table is generated from the upstream provider's schema (scripts/data/aws-replace.json, read
/// from hashicorp/terraform-provider-aws, whose ForceNew attributes @pulumi/aws bridges as replacements): the code's
/// table is what the script generates, and every input the AWS target plans is in the data, as ForceNew or as updated
/// in place, so that a new input cannot be planned without saying which it is.
/// </summary>
public sealed class AwsReplaceTableTests
{
    private static JsonElement Types()
    {
        using var data = JsonDocument.Parse(File.ReadAllText(Repo.File("scripts", "data", "aws-replace.json")));
        return data.RootElement.GetProperty("types").Clone();
    }

    private static string[] List(JsonElement type, string key) =>
        [.. type.GetProperty(key).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void GeneratedTable_IsWhatTheScriptGeneratesFromTheData()
    {
        var (code, output) = Node.Run(Repo.Root(), "node", "scripts/generate-replace-table.mjs", "--check");
        Assert.True(code == 0, output);
    }

    /// <summary>Programs that plan every input the AWS target can plan: each kind, TLS, secrets, names past the
    /// autoname limits, an explicit key pair and instance types.</summary>
    private const string Programs = """
        fn:
          type: multinode:index:Function
          properties: { image: img, env: { T: { "fn::secret": t } }, spareWorkers: 1, instanceTypes: [m7i.large, m6i.large] }
        jb:
          type: multinode:index:Job
          properties: { image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1 }
        a-service-name-that-is-long:
          type: multinode:index:Service
          properties:
            image: img
            certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666
            env: { T: { "fn::secret": t } }
        sg-agent:
          type: multinode:index:Daemon
          properties: { image: img }
        ssm-task:
          type: multinode:index:ScheduledTask
          properties: { image: img, schedule: "0 3 * * *", env: { T: { "fn::secret": t } } }
        """;

    [Fact]
    public void PlannedInputs_AreEachInTheDataAsForceNewOrInPlace()
    {
        var types = Types();
        var plan = AwsPlanning.Plan(Programs, """
            target: aws
            aws:
              vpcId: vpc-0123456789abcdef0
              subnetIds: [subnet-0000000000000000a, subnet-0000000000000000b]
              keyName: ops
              securityGroupIds: [sg-0123456789abcdef0]
            """);
        Assert.True(plan.IsValid, string.Join("\n", plan.Failures));
        var missing = new List<string>();
        foreach (var child in plan.Value!.Workloads.SelectMany(w => w.Resources))
        {
            Assert.True(types.TryGetProperty(child.Type, out var entry), $"{child.Type} is not in scripts/data/aws-replace.json");
            var known = List(entry, "forceNew").Concat(List(entry, "inPlace")).ToHashSet(StringComparer.Ordinal);
            missing.AddRange(child.Inputs.Keys.Where(k => !known.Contains(k)).Select(k => $"{child.Type} {k} ({child.Name})"));
            // The child's replaceOnChanges is the upstream ForceNew list.
            Assert.Equal(List(entry, "forceNew").Order(StringComparer.Ordinal), child.Options.ReplaceOnChanges);
        }
        Assert.True(missing.Count == 0, "planned inputs missing from scripts/data/aws-replace.json (add each as forceNew or " +
            "inPlace, from the upstream schema): " + string.Join(", ", missing.Distinct()));
    }

    [Fact]
    public void Data_RecordsTheUpstreamSourceOfEveryType()
    {
        foreach (var type in Types().EnumerateObject())
        {
            Assert.StartsWith("aws_", type.Value.GetProperty("terraform").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("internal/service/", type.Value.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{40}$", type.Value.GetProperty("commit").GetString() ?? "");
        }
    }

    [Fact]
    public void Generator_TypeWithoutSourceCommit_IsRefused()
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repo.File("scripts", "data", "aws-replace.json")))!;
        data["types"]!["aws:iam/role:Role"]!["commit"] = null;
        var file = Path.Combine(Path.GetTempPath(), $"aws-replace-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, data.ToJsonString());
        try
        {
            var (code, output) = Node.Run(Repo.Root(), "node", "scripts/generate-replace-table.mjs", "--check", "--data", "aws=" + file);
            Assert.Equal(2, code);
            Assert.Contains("no upstream source file and commit recorded for aws:iam/role:Role", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
