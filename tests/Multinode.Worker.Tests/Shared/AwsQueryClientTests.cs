using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Tests.Shared;

public sealed class AwsQueryClientTests
{
    [Fact]
    public void CanonicalRequest_AwsDocumentedExample_SignsToDocumentedSignature()
    {
        // The GET Object example of Amazon S3's "Signature Calculations for the Authorization Header" page.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = "examplebucket.s3.amazonaws.com",
            ["range"] = "bytes=0-9",
            ["x-amz-content-sha256"] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ["x-amz-date"] = "20130524T000000Z",
        };

        var canonical = AwsQueryClient.CanonicalRequest("GET", "/test.txt", headers, "");
        var result = AWS4Signer.ComputeSignature("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1",
            new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc), "s3", "host;range;x-amz-content-sha256;x-amz-date", canonical);

        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", result.Signature);
    }

    [Fact]
    public void Sign_SessionCredentials_TokenSignedAndSent()
    {
        var client = new AwsQueryClient(new HttpClient(), "eu-west-1", () => throw new InvalidOperationException());
        var body = AwsQueryClient.FormBody([new("Action", "SetInstanceProtection"), new("ProtectedFromScaleIn", "true")]);

        using var request = client.Sign(new Uri("https://autoscaling.eu-west-1.amazonaws.com/"), "autoscaling", body,
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), new ImmutableCredentials("AKID", "secret", "session"));

        Assert.Equal("Action=SetInstanceProtection&ProtectedFromScaleIn=true", body);
        Assert.Equal("session", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Equal("20260102T030405Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/20260102/eu-west-1/autoscaling/aws4_request, " +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=",
            request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void FormBody_ReservedCharacters_Rfc3986Encoded() =>
        Assert.Equal("QueueUrl=https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F1%2Fq&MessageBody=%7B%22a%22%3A%22b%20c~%22%7D",
            AwsQueryClient.FormBody([new("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/1/q"), new("MessageBody", """{"a":"b c~"}""")]));
}
