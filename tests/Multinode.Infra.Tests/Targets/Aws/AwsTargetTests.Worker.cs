using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>The worker sidecar on AWS: beside a Function's or Job's container in the boot script, with exactly the
/// permissions it uses.</summary>
public sealed partial class AwsTargetTests
{
    private static string Line(string script, string start) =>
        Assert.Single(script.Split('\n'), l => l.StartsWith(start, StringComparison.Ordinal));

    private static List<(string Sid, PropertyValue Actions, PropertyValue Resource)> Statements(Multinode.Infra.Planning.WorkloadPlan plan, string policy) =>
        [.. ((ArrayValue)plan.Child(policy).At("policy.Statement")).Items
            .Select(s => (((StringValue)s.At("Sid")).Value, s.At("Action"), s.At("Resource")))];

    [Fact]
    public void Plan_Function_RunsTheWorkerOnTheHostNetworkBesideTheContainer()
    {
        var plan = AwsPlanning.PlanOne("""
            square:
              type: multinode:index:Function
              properties:
                image: ghcr.io/example/square:1.0.0
                spareWorkers: 2
                cooldownPeriod: 300
                timeoutSeconds: 120
                env:
                  MODEL: small
                  TOKEN: { "fn::secret": s3cr3t-value }
            """);
        var script = plan.Child("square-lt").UserDataText();
        Assert.Equal(
            "docker run -d --restart always --name multinode-worker --network host" +
            " -e MULTINODE_KIND=function -e MULTINODE_WORKLOAD=square -e MULTINODE_PLATFORM=aws -e MULTINODE_TIMEOUT_SECONDS=120" +
            " -e MULTINODE_PORT=8080 -e MULTINODE_SPARE_WORKERS=2 -e MULTINODE_COOLDOWN_SECONDS=300" +
            " -e MULTINODE_SCALE_OUT_SECONDS=10" +
            " -e MULTINODE_QUEUE_KIND=aws-sqs -e MULTINODE_QUEUE=\"$QUEUE_URL\" -e AWS_REGION=\"$REGION\"" +
            " -e MULTINODE_INSTANCE_ID=\"$INSTANCE_ID\" -e MULTINODE_GROUP=\"$GROUP\" -e MULTINODE_LIFECYCLE_HOOK=square-drain" +
            " 'ghcr.io/multinode/multinode-worker:0.1.0'",
            Line(script, "docker run -d --restart always --name multinode-worker"));
        Assert.Contains("QUEUE_URL=$(imds tags/instance/multinode:queue-url)\n", script, StringComparison.Ordinal);
        // The user's container: on the host network too (the worker reaches a server bound to 127.0.0.1), its env
        // and secrets, no queue settings, no published port.
        var app = Line(script, "docker run -d --restart always --name app");
        Assert.Contains(" --network host --env-file /etc/multinode/env ", app, StringComparison.Ordinal);
        Assert.Contains(" -e MULTINODE_PORT=8080", app, StringComparison.Ordinal);
        Assert.Contains(" -e 'MODEL=small'", app, StringComparison.Ordinal);
        Assert.DoesNotContain("QUEUE", app, StringComparison.Ordinal);
        Assert.DoesNotContain(" -p ", app, StringComparison.Ordinal);
        // The drain hook the worker completes has the name the worker is given.
        Assert.Equal("square-drain", plan.Child("square-drain").Text("name"));
    }

    [Fact]
    public void Plan_FunctionWithPortAndWorkerImage_WorkerPostsToThatPortFromThatImage()
    {
        var plan = AwsPlanning.PlanOne("""
            square:
              type: multinode:index:Function
              properties:
                image: img
                port: 9000
            """, AwsPlanning.Config + "\nworkerImage: registry.example.com:5000/tools/multinode-worker@sha256:" + new string('a', 64) + "\n");
        var script = plan.Child("square-lt").UserDataText();
        Assert.Contains(" -e MULTINODE_PORT=9000 ", Line(script, "docker run -d --restart always --name app"), StringComparison.Ordinal);
        var worker = Line(script, "docker run -d --restart always --name multinode-worker");
        Assert.Contains(" -e MULTINODE_PORT=9000 ", worker, StringComparison.Ordinal);
        Assert.EndsWith($" 'registry.example.com:5000/tools/multinode-worker@sha256:{new string('a', 64)}'", worker, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Job_InstanceEndsItselfAfterTheWorkerExits()
    {
        var plan = AwsPlanning.PlanOne("""
            render:
              type: multinode:index:Job
              properties:
                image: img
                timeoutSeconds: 600
            """);
        var lines = plan.Child("render-lt").UserDataText().Split('\n');
        var worker = Line(string.Join('\n', lines), "docker run -d --name multinode-worker");
        Assert.Contains(" -e MULTINODE_KIND=job ", worker, StringComparison.Ordinal);
        Assert.Contains(" -e MULTINODE_MESSAGE_WAIT_SECONDS=120 ", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("LIFECYCLE_HOOK", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("SPARE", worker, StringComparison.Ordinal);
        var app = Line(string.Join('\n', lines), "docker run -d --name app");
        Assert.DoesNotContain("--restart", app, StringComparison.Ordinal);
        // Wait for the worker (message wait + timeout), then end the instance.
        var wait = Array.IndexOf(lines, "timeout 720s docker wait multinode-worker || docker kill multinode-worker");
        Assert.True(wait > Array.IndexOf(lines, worker), "the wait follows the worker's start");
        Assert.StartsWith("aws autoscaling terminate-instance-in-auto-scaling-group ", lines[wait + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_KindsWithoutQueue_RunTheirContainerAlone()
    {
        foreach (var (kind, extra) in new[] { ("Service", ""), ("Daemon", ""), ("ScheduledTask", "\n    schedule: \"0 3 * * *\"") })
        {
            var plan = AwsPlanning.PlanOne($"""
                w:
                  type: multinode:index:{kind}
                  properties:
                    image: img{extra}
                """);
            var script = plan.Child("w-lt").UserDataText();
            Assert.DoesNotContain("multinode-worker", script, StringComparison.Ordinal);
            Assert.DoesNotContain("--network host", script, StringComparison.Ordinal);
            Assert.DoesNotContain("MULTINODE_PORT", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plan_Function_RolePolicyAllowsExactlyWhatTheWorkerDoes()
    {
        var statements = Statements(AwsPlanning.PlanOne(Function), "square-policy");
        Assert.Equal(
        [
            ("ConsumeOwnQueue", PropertyValue.Strings(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]),
                new ReferenceValue("square-queue", "arn")),
            ("SendReplies", PropertyValue.Strings(["sqs:SendMessage"]), PropertyValue.Concat("arn:aws:sqs:",
                new ReferenceValue("square-queue", "region"), ":${aws:PrincipalAccount}:multinode-replies-*")),
            ("OwnGroupLifecycle", PropertyValue.Strings(["autoscaling:SetInstanceProtection", "autoscaling:CompleteLifecycleAction",
                "autoscaling:RecordLifecycleActionHeartbeat", "autoscaling:TerminateInstanceInAutoScalingGroup",
                "autoscaling:SetDesiredCapacity"]),
                new ReferenceValue("square-asg", "arn")),
            ("ReadGroupSize", PropertyValue.Strings(["autoscaling:DescribeAutoScalingGroups"]), PropertyValue.From("*")),
        ], statements);
    }

    [Fact]
    public void Plan_Job_RolePolicyAllowsQueueRepliesAndEndingItsOwnInstanceOnly()
    {
        var plan = AwsPlanning.PlanOne("""
            render:
              type: multinode:index:Job
              properties:
                image: img
            """);
        Assert.Equal(["ConsumeOwnQueue", "SendReplies", "EndOwnInstance"], Statements(plan, "render-policy").Select(s => s.Sid));
        Assert.Equal((PropertyValue.Strings(["autoscaling:TerminateInstanceInAutoScalingGroup"]), new ReferenceValue("render-asg", "arn")),
            Statements(plan, "render-policy").Select(s => (s.Actions, s.Resource)).Last());
    }

    [Fact]
    public void Plan_WorkerImageInEcr_LogsInAndMayPullBothRepositories()
    {
        var plan = AwsPlanning.PlanOne("""
            square:
              type: multinode:index:Function
              properties:
                image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/square:1.0
            """, AwsPlanning.Config + "\nworkerImage: 210987654321.dkr.ecr.eu-west-1.amazonaws.com/mirror/multinode-worker:0.1.0\n");
        var script = plan.Child("square-lt").UserDataText();
        Assert.Contains("aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com\n", script, StringComparison.Ordinal);
        Assert.Contains("aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 210987654321.dkr.ecr.eu-west-1.amazonaws.com\n", script, StringComparison.Ordinal);
        var pull = Assert.Single(Statements(plan, "square-policy"), s => s.Sid == "PullOwnImage");
        Assert.Equal(PropertyValue.Strings(["arn:aws:ecr:us-east-1:123456789012:repository/team/square",
            "arn:aws:ecr:eu-west-1:210987654321:repository/mirror/multinode-worker"]), pull.Resource);
    }
}
