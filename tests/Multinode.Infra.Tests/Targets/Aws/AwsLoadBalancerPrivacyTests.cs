using Multinode.Infra.Values;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>A Service's load balancer scheme, source ranges and access logs. Expectations from the ELBv2 API
/// Reference (CreateLoadBalancer Scheme: internet-facing | internal; LoadBalancerAttribute access_logs.s3.enabled,
/// access_logs.s3.bucket, access_logs.s3.prefix), the ELB User Guide (access log bucket requirements: the prefix must
/// not include "AWSLogs") and the Amazon S3 User Guide ("General purpose bucket naming rules").</summary>
public sealed class AwsLoadBalancerPrivacyTests
{
    private static WorkloadPlanView Service(string properties) => new(AwsPlanning.PlanOne($$"""
        api:
          type: multinode:index:Service
          properties: { image: img{{properties}} }
        """));

    private sealed record WorkloadPlanView(Infra.Planning.WorkloadPlan Plan)
    {
        public IReadOnlyList<ObjectValue> Ingress =>
            [.. ((ArrayValue)Plan.Child("api-lb-sg").At("ingress")).Items.Cast<ObjectValue>()];
    }

    private static IReadOnlyList<string> Strings(PropertyValue? value) =>
        value is ArrayValue a ? [.. a.Items.Select(i => ((StringValue)i).Value)] : [];

    [Fact]
    public void Default_IsInternetFacingAndOpenToAnywhere_WithoutAccessLogs()
    {
        var api = Service("");
        Assert.Equal(PropertyValue.From(false), api.Plan.Child("api-lb").At("internal"));
        Assert.False(api.Plan.Child("api-lb").Inputs.ContainsKey("accessLogs"));
        var http = Assert.Single(api.Ingress);
        Assert.Equal(["0.0.0.0/0"], Strings(http.Map["cidrBlocks"]));
        Assert.Contains(api.Plan.Summary.Facts, f => f is { Key: "load balancer", Value: "internet-facing, from anywhere" });
    }

    [Fact]
    public void Internal_HasSchemeInternal_AndOpensListenersToThePrivateRangesOnly()
    {
        var certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
        var api = Service($", loadBalancerScheme: internal, certificateArn: \"{certificate}\"");
        Assert.Equal(PropertyValue.From(true), api.Plan.Child("api-lb").At("internal"));
        Assert.Equal([80, 443], api.Ingress.Select(i => (int)((NumberValue)i.Map["fromPort"]).Value));
        foreach (var rule in api.Ingress)
        {
            // RFC 1918, section 3: the three blocks reserved for private internets.
            Assert.Equal(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], Strings(rule.Map["cidrBlocks"]));
            Assert.False(rule.Map.ContainsKey("ipv6CidrBlocks"));
        }
        Assert.DoesNotContain("anywhere", api.Plan.Child("api-lb-sg").Text("description"), StringComparison.Ordinal);
    }

    [Fact]
    public void SourceRanges_ReplaceTheDefaultSources_OnEitherScheme()
    {
        foreach (var scheme in new[] { "internet-facing", "internal" })
        {
            var api = Service($", loadBalancerScheme: {scheme}, loadBalancerSourceRanges: [10.1.0.0/16, 203.0.113.0/24]");
            var http = Assert.Single(api.Ingress);
            Assert.Equal(["10.1.0.0/16", "203.0.113.0/24"], Strings(http.Map["cidrBlocks"]));
            Assert.False(http.Map.ContainsKey("ipv6CidrBlocks"));
        }
    }

    [Fact]
    public void AccessLogs_SetTheBucketAndPrefixAttributes()
    {
        var api = Service(", accessLogBucket: my-logs.example, accessLogPrefix: services/api");
        var lb = api.Plan.Child("api-lb");
        Assert.Equal(("my-logs.example", "services/api"), (lb.Text("accessLogs.bucket"), lb.Text("accessLogs.prefix")));
        Assert.Equal(PropertyValue.From(true), lb.At("accessLogs.enabled"));
        Assert.Contains(api.Plan.Summary.Facts, f => f.Key == "load balancer" &&
            f.Value.EndsWith("access logs to s3://my-logs.example/services/api/", StringComparison.Ordinal));
    }

    [Fact]
    public void AccessLogs_WithoutPrefix_WriteAtTheBucketsRoot()
    {
        var lb = Service(", accessLogBucket: my-logs").Plan.Child("api-lb");
        Assert.Equal("my-logs", lb.Text("accessLogs.bucket"));
        Assert.False(((ObjectValue)lb.At("accessLogs")).Map.ContainsKey("prefix"));
    }

    [Fact]
    public void AccessLogBucket_SecretOrUnknown_PassesThroughAndStaysSecret()
    {
        var result = Infra.Planning.Planner.Plan(new Infra.Planning.ProgramDeclaration(
            [new("api", "multinode:index:Service", new PropertyMap(("image", "img"),
                ("accessLogBucket", PropertyValue.Secret("hidden-logs")), ("loadBalancerSourceRanges", PropertyValue.Unknown)))],
            new PropertyMap(("target", "aws"), ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a", "subnet-b"])), ("vpcId", "vpc-1"))))), Infra.Workloads.KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        var plan = result.Value!.Workloads[0];
        var lb = plan.Child("api-lb");
        Assert.Equal(PropertyValue.Secret("hidden-logs"), lb.At("accessLogs.bucket"));
        Assert.Contains("accessLogs", lb.Options.AdditionalSecretOutputs);
        Assert.DoesNotContain(plan.Summary.Facts, f => f.Value.Contains("hidden-logs", StringComparison.Ordinal));
        Assert.Equal(PropertyValue.Unknown, ((ObjectValue)((ArrayValue)plan.Child("api-lb-sg").At("ingress")).Items[0]).Map["cidrBlocks"]);
    }

    [Theory]
    // Each breaks one rule of "General purpose bucket naming rules" (Amazon S3 User Guide).
    [InlineData("ab", "is 2 characters long; an S3 bucket name has 3 to 63")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", "is 64 characters long; an S3 bucket name has 3 to 63")]
    [InlineData("My-Logs", "is not an S3 bucket name: lowercase letters, digits, '.' and '-' only, starting and ending with a letter or digit")]
    [InlineData("logs-", "is not an S3 bucket name: lowercase letters, digits, '.' and '-' only, starting and ending with a letter or digit")]
    [InlineData("my_logs", "is not an S3 bucket name: lowercase letters, digits, '.' and '-' only, starting and ending with a letter or digit")]
    [InlineData("my..logs", "is not an S3 bucket name: it has two adjacent periods")]
    [InlineData("192.168.5.4", "is not an S3 bucket name: it is formatted as an IP address")]
    [InlineData("xn--logs", "is not an S3 bucket name: the prefix \"xn--\" is reserved by S3")]
    [InlineData("sthree-logs", "is not an S3 bucket name: the prefix \"sthree-\" is reserved by S3")]
    [InlineData("amzn-s3-demo-logs", "is not an S3 bucket name: the prefix \"amzn-s3-demo-\" is reserved by S3")]
    [InlineData("logs-s3alias", "is not an S3 bucket name: the suffix \"-s3alias\" is reserved by S3")]
    [InlineData("logs--ol-s3", "is not an S3 bucket name: the suffix \"--ol-s3\" is reserved by S3")]
    [InlineData("logs.mrap", "is not an S3 bucket name: the suffix \".mrap\" is reserved by S3")]
    [InlineData("logs--x-s3", "is not an S3 bucket name: the suffix \"--x-s3\" is reserved by S3")]
    public void AccessLogBucket_BreakingS3sNamingRules_FailsNamingIt(string bucket, string problem)
    {
        var failures = AwsPlanning.Failures($$"""
            api:
              type: multinode:index:Service
              properties: { image: img, accessLogBucket: "{{bucket}}" }
            """);
        Assert.Equal([$"Service \"api\": accessLogBucket = \"{bucket}\" {problem}"], failures);
    }

    [Theory]
    // The examples of valid names in the S3 User Guide's naming rules.
    [InlineData("docexamplebucket1")]
    [InlineData("log-delivery-march-2020")]
    [InlineData("my-hosted-content")]
    [InlineData("docexamplewebsite.com")]
    [InlineData("www.docexamplewebsite.com")]
    public void AccessLogBucket_ValidNames_AreTaken(string bucket) =>
        Assert.Equal(bucket, Service($", accessLogBucket: \"{bucket}\"").Plan.Child("api-lb").Text("accessLogs.bucket"));

    [Fact]
    public void AccessLogPrefix_WithAwsLogs_OrWithoutBucket_Fails()
    {
        Assert.Equal(["Service \"api\": accessLogPrefix = \"x/AWSLogs\" includes \"AWSLogs\", which Elastic Load Balancing adds after the prefix itself and refuses in it"],
            AwsPlanning.Failures("""
                api:
                  type: multinode:index:Service
                  properties: { image: img, accessLogBucket: logs, accessLogPrefix: x/AWSLogs }
                """));
        Assert.Equal(["Service \"api\": accessLogPrefix is set without accessLogBucket: name the bucket the logs go to"],
            AwsPlanning.Failures("""
                api:
                  type: multinode:index:Service
                  properties: { image: img, accessLogPrefix: x }
                """));
    }

    [Theory]
    [InlineData("10.0.0.0", "is not an IPv4 CIDR block such as \"10.0.0.0/16\" (address/prefix length 0 to 32)")]
    [InlineData("10.0.0.0/33", "is not an IPv4 CIDR block such as \"10.0.0.0/16\" (address/prefix length 0 to 32)")]
    [InlineData("256.0.0.0/8", "is not an IPv4 CIDR block such as \"10.0.0.0/16\" (address/prefix length 0 to 32)")]
    [InlineData("::/0", "is not an IPv4 CIDR block such as \"10.0.0.0/16\" (address/prefix length 0 to 32)")]
    [InlineData("10.1.2.3/16", "has host bits set; the block is \"10.1.0.0/16\"")]
    public void SourceRanges_NotIpv4NetworkBlocks_FailNamingTheItem(string cidr, string problem)
    {
        var failures = AwsPlanning.Failures($$"""
            api:
              type: multinode:index:Service
              properties: { image: img, loadBalancerSourceRanges: [10.0.0.0/8, "{{cidr}}"] }
            """);
        Assert.Equal([$"Service \"api\": loadBalancerSourceRanges[1] = \"{cidr}\" {problem}"], failures);
    }

    [Fact]
    public void Scheme_OtherThanTheTwo_FailsListingThem()
    {
        var failures = AwsPlanning.Failures("""
            api:
              type: multinode:index:Service
              properties: { image: img, loadBalancerScheme: private }
            """);
        Assert.Equal(["Service \"api\": loadBalancerScheme = \"private\" is not one of internet-facing, internal"], failures);
    }

    [Fact]
    public void OnKubernetes_AccessLogsAndSourceRanges_AreSaidToBeIgnored()
    {
        // The Kubernetes target plans a cluster-internal Service (no load balancer of its own): "internal" is what it
        // is already, and the AWS-only inputs are reported as ignored rather than silently dropped.
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties: { image: img, loadBalancerScheme: internal, accessLogBucket: logs, loadBalancerSourceRanges: [10.0.0.0/8] }
            """, "target: kubernetes");
        Assert.Contains(plan.Summary.Facts, f => f.Key == "accessLogBucket" && f.Value.StartsWith("ignored on Kubernetes", StringComparison.Ordinal));
        Assert.Contains(plan.Summary.Facts, f => f.Key == "loadBalancerSourceRanges" && f.Value.StartsWith("ignored on Kubernetes", StringComparison.Ordinal));
    }
}
