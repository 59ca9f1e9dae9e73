using Multinode.Infra.Values;
using static Multinode.Infra.Targets.Aws.AwsChildren;

namespace Multinode.Infra.Targets.Aws;

/// <summary>The instances' identity: an IAM role EC2 assumes, its instance profile, and a role policy with only what
/// this workload's instances do, on this workload's own resources (docs/aws.md lists every statement).</summary>
internal static class AwsIdentity
{
    /// <summary>Name prefix of the SQS queues a worker may send replies to (a message's <c>replyTo</c>): the one
    /// permission that cannot name a queue of the workload's own.</summary>
    public const string ReplyQueuePrefix = "multinode-replies-";

    /// <summary>The account part of the reply queues' ARN: the IAM policy variable of the calling role's own account
    /// (global condition keys can be policy variables: IAM User Guide, "IAM policy elements: Variables and tags";
    /// aws:PrincipalAccount is in the context of every signed request).</summary>
    public const string ReplyQueuesInOwnAccount = ":${aws:PrincipalAccount}:" + ReplyQueuePrefix + "*";

    /// <summary>The reply queues' ARN pattern in the role policy: queues named multinode-replies-* in the region of the
    /// workload's own queue (the aws provider's <c>region</c> output) and the account of the instance role, none
    /// elsewhere.</summary>
    public static PropertyValue ReplyQueues(string queue) =>
        PropertyValue.Concat("arn:aws:sqs:", Ref(queue, "region"), ReplyQueuesInOwnAccount);

    public static (string Role, string Profile) RoleAndProfile(AwsChildren c)
    {
        var role = c.Add(AwsTypes.Role, "role", new PropertyMap(
            ("description", $"Instances of Multinode {c.Kind} \"{c.Name}\""),
            ("assumeRolePolicy", Obj(
                ("Version", "2012-10-17"),
                ("Statement", List(Obj(
                    ("Effect", "Allow"),
                    ("Principal", Obj(("Service", "ec2.amazonaws.com"))),
                    ("Action", "sts:AssumeRole")))))),
            ("tags", c.Tags)));
        var profile = c.Add(AwsTypes.InstanceProfile, "profile", new PropertyMap(
            ("role", Ref(role, "name")),
            ("tags", c.Tags)));
        return (role, profile);
    }

    /// <summary>Only what this workload's instances do, on this workload's own resources; when they do nothing, a denial
    /// of passing roles, so that every workload has its policy whatever its image.</summary>
    public static void RolePolicy(AwsChildren c, string role, string asg, string? queue, string? secrets, IReadOnlyList<EcrImage> ecr)
    {
        var statements = new List<PropertyValue>();
        PropertyValue Statement(string sid, IEnumerable<string> actions, PropertyValue resource) =>
            Obj(("Sid", sid), ("Effect", "Allow"), ("Action", PropertyValue.Strings(actions)), ("Resource", resource));
        if (queue is not null)
        {
            // The worker sidecar: receive, extend while working, delete when done; the queue's counts for the
            // per-worker cooldown.
            statements.Add(Statement("ConsumeOwnQueue",
                ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Ref(queue, "arn")));
            // Replies go to the caller's queue (a message's replyTo), which only a naming convention can scope
            // (docs/aws.md): queues named multinode-replies-*, in this queue's region and the role's own account.
            statements.Add(Statement("SendReplies", ["sqs:SendMessage"], ReplyQueues(queue)));
        }
        if (c.Shape.DrainHook is not null)
        {
            // Protected while busy and until its cooldown, the drain hook honoured, the per-worker cooldown's
            // self-termination, and the workers' own scale-out (they only ever raise desired, up to maxSize).
            statements.Add(Statement("OwnGroupLifecycle",
                ["autoscaling:SetInstanceProtection", "autoscaling:CompleteLifecycleAction",
                 "autoscaling:RecordLifecycleActionHeartbeat", "autoscaling:TerminateInstanceInAutoScalingGroup",
                 "autoscaling:SetDesiredCapacity"], Ref(asg, "arn")));
            // Describe* has no resource-level permissions: AWS requires "*" (docs/aws.md). Read-only; the worker
            // reads its own group's in-service count, desired capacity and maximum size.
            statements.Add(Statement("ReadGroupSize", ["autoscaling:DescribeAutoScalingGroups"], "*"));
        }
        else if (c.Shape.RunsOnce)
        {
            statements.Add(Statement("EndOwnInstance", ["autoscaling:TerminateInstanceInAutoScalingGroup"], Ref(asg, "arn")));
        }
        if (secrets is not null)
            statements.Add(Statement("ReadOwnSecrets", ["ssm:GetParameter"], Ref(secrets, "arn")));
        if (ecr.Count > 0)
        {
            // ecr:GetAuthorizationToken has no resource-level permissions: AWS requires "*" (docs/aws.md).
            statements.Add(Statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"));
            statements.Add(Statement("PullOwnImage", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                ecr.Count == 1 ? ecr[0].RepositoryArn : List([.. ecr.Select(e => e.RepositoryArn).Distinct()])));
        }
        // Whether the image is in ECR, and which repository, is known only at deployment when the image is unknown
        // (another resource's output in preview): the statements are unknown then, made of the known ones and the
        // image. The policy is registered whatever the image, so preview registers the children update does.
        var image = c.Workload.Container.Image;
        PropertyValue statement;
        if (image is StringValue or SecretValue { Value: StringValue })
        {
            // Nothing to allow: the one statement says the instances pass no role, so that the policy exists for
            // every image (docs/aws.md).
            if (statements.Count == 0) statements.Add(Obj(("Sid", NoRolePassing), ("Effect", "Deny"),
                ("Action", PropertyValue.Strings(["iam:PassRole"])), ("Resource", "*")));
            statement = PropertyValue.From(statements);
        }
        else
        {
            statement = PropertyValue.UnknownFrom("role policy statements", PropertyValue.From(statements), image);
            if (image.ContainsSecret) statement = PropertyValue.Secret(statement);
        }
        c.Add(AwsTypes.RolePolicy, "policy", new PropertyMap(
            ("role", Ref(role, "name")),
            ("policy", Obj(("Version", "2012-10-17"), ("Statement", statement)))));
    }

    /// <summary>The statement of a policy with nothing to allow.</summary>
    public const string NoRolePassing = "NoRolePassing";
}
