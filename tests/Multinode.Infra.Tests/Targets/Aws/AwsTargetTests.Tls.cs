using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Tests.Targets.Aws;

/// <summary>HTTPS for Services: an ACM certificate, a current TLS policy, and HTTP redirected.</summary>
public sealed partial class AwsTargetTests
{
    private const string Certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

    [Fact]
    public void Plan_ServiceWithCertificate_ServesHttpsAndRedirectsHttp()
    {
        var plan = AwsPlanning.PlanOne($$"""
            api:
              type: multinode:index:Service
              properties: { image: img, certificateArn: "{{Certificate}}" }
            """);
        var https = plan.Child("api-https");
        Assert.Equal((443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", Certificate),
            ((int)https.Number("port"), https.Text("protocol"), https.Text("sslPolicy"), https.Text("certificateArn")));
        Assert.Equal("forward", https.Text("defaultActions[0].type"));
        var http = plan.Child("api-http");
        Assert.Equal(("redirect", "HTTPS", "443", "HTTP_301"),
            (http.Text("defaultActions[0].type"), http.Text("defaultActions[0].redirect.protocol"),
             http.Text("defaultActions[0].redirect.port"), http.Text("defaultActions[0].redirect.statusCode")));
        var ingress = (ArrayValue)plan.Child("api-lb-sg").At("ingress");
        Assert.Equal([80, 443], ingress.Items.Select(i => (int)((NumberValue)((ObjectValue)i).Map["fromPort"]).Value));
        Assert.StartsWith("https://", ((InterpolationValue)plan.Outputs["endpoint"]).Parts[0].Display().Trim('"'), StringComparison.Ordinal);
        Assert.Contains(plan.Summary.Facts, f => f is { Key: "listener", Value: "HTTPS on :443 (ELBSecurityPolicy-TLS13-1-2-2021-06); HTTP :80 redirects to HTTPS" });
    }

    [Fact]
    public void Plan_ServiceWithoutCertificate_SaysItIsPlainHttp()
    {
        var plan = AwsPlanning.PlanOne("""
            api:
              type: multinode:index:Service
              properties: { image: img }
            """);
        Assert.DoesNotContain(plan.Resources, r => r.Name == "api-https");
        Assert.Equal("forward", plan.Child("api-http").Text("defaultActions[0].type"));
        Assert.Contains(plan.Summary.Facts, f => f is { Key: "listener", Value: "plain HTTP on :80 (no certificateArn: traffic is not encrypted)" });
    }

    [Fact]
    public void Plan_ServiceWithUnknownCertificate_PlansHttps()
    {
        // A certificate created in the same program is unknown during preview.
        var result = Infra.Planning.Planner.Plan(new Infra.Planning.ProgramDeclaration(
            [new("api", "multinode:index:Service", new PropertyMap(("image", "img"), ("certificateArn", PropertyValue.Unknown)))],
            new PropertyMap(("target", "aws"), ("aws", new PropertyMap(("subnetIds", PropertyValue.Strings(["subnet-a", "subnet-b"])), ("vpcId", "vpc-1"))))), KindRegistry.Default);
        Assert.True(result.IsValid, string.Join("\n", result.Failures));
        Assert.Equal(PropertyValue.Unknown, result.Value!.Workloads[0].Resources.Single(r => r.Name == "api-https").Inputs["certificateArn"]);
    }

    [Fact]
    public void Plan_ServiceWithMalformedCertificate_FailsNamingIt()
    {
        var failures = AwsPlanning.Failures("""
            api:
              type: multinode:index:Service
              properties: { image: img, certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }
            """);
        Assert.Equal(["""Service "api": certificateArn = "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN such as "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-..." """.TrimEnd()], failures);
    }
}
