namespace Multinode.Worker.Tests;

public sealed class SettingsTests
{
    private static (Settings? Settings, IReadOnlyList<string> Problems) Read(params (string Key, string Value)[] env) =>
        Settings.Read(name => env.FirstOrDefault(e => e.Key == name).Value);

    [Fact]
    public void Read_RedisFunction_Defaults()
    {
        var (settings, problems) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "square"), ("MULTINODE_QUEUE_KIND", "redis"),
            ("MULTINODE_QUEUE", "square"), ("MULTINODE_REDIS_ADDRESS", "redis:6379"));

        Assert.Empty(problems);
        Assert.Equal(PlatformKind.None, settings!.Platform);
        Assert.Equal("square:processing", settings.ProcessingList);
        Assert.Equal(new Uri("http://127.0.0.1:8080/invoke"), settings.InvokeUrl);
        Assert.Equal(TimeSpan.FromSeconds(300), settings.Timeout);
        // The product default cooldownPeriod (docs/workloads.md), not a worker-only one.
        Assert.Equal(TimeSpan.FromSeconds(60), settings.Cooldown);
        Assert.Null(settings.ScaleOutEvery);
        Assert.Equal(10 * 1024 * 1024, settings.MaxMessageBytes);
        Assert.Equal(0, settings.SpareWorkers);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.MessageWait);
        Assert.Equal(new Uri("http://169.254.169.254/"), settings.ImdsEndpoint);
    }

    [Fact]
    public void Read_AwsSqs_EndpointsFromRegion()
    {
        var (settings, problems) = Read(("MULTINODE_KIND", "job"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "aws-sqs"),
            ("MULTINODE_QUEUE", "https://sqs.eu-west-1.amazonaws.com/123456789012/w"), ("AWS_REGION", "eu-west-1"),
            ("MULTINODE_PLATFORM", "aws"), ("MULTINODE_INSTANCE_ID", "i-1"), ("MULTINODE_GROUP", "w-asg"), ("MULTINODE_PORT", "9000"));

        Assert.Empty(problems);
        Assert.Equal(new Uri("https://autoscaling.eu-west-1.amazonaws.com/"), settings!.AutoScalingEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:9000/invoke"), settings.InvokeUrl);
        Assert.Null(settings.LifecycleHook);
    }

    [Fact]
    public void Read_KubernetesWithoutApi_EveryProblemAtOnce()
    {
        var (settings, problems) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "aws-sqs"),
            ("MULTINODE_QUEUE", "w"), ("MULTINODE_PLATFORM", "kubernetes"), ("MULTINODE_SPARE_WORKERS", "-1"), ("MULTINODE_INVOKE_URL", "ftp://x"));

        Assert.Null(settings);
        Assert.Equal([
            "MULTINODE_QUEUE='w' must be an SQS queue URL (MULTINODE_QUEUE_KIND=aws-sqs)",
            "AWS_REGION is missing: the region of the SQS queue and the Auto Scaling group",
            "MULTINODE_INVOKE_URL='ftp://x' must be an absolute http(s) URL",
            "MULTINODE_SPARE_WORKERS='-1' must be a whole number from 0 to 100000",
            "MULTINODE_POD_NAME is missing: the pod's name (downward API metadata.name)",
            "MULTINODE_POD_NAMESPACE is missing: the pod's namespace (downward API metadata.namespace)",
            "KUBERNETES_SERVICE_HOST is missing: the API server's address (set by Kubernetes in every pod), or MULTINODE_KUBERNETES_API",
        ], problems);
    }

    [Fact]
    public void Read_KubernetesServiceHost_ApiUrl()
    {
        var (settings, _) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "redis"),
            ("MULTINODE_QUEUE", "w"), ("MULTINODE_REDIS_ADDRESS", "r:6379"), ("MULTINODE_PLATFORM", "kubernetes"),
            ("MULTINODE_POD_NAME", "p"), ("MULTINODE_POD_NAMESPACE", "n"), ("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ("KUBERNETES_SERVICE_PORT", "6443"));

        Assert.Equal(new Uri("https://10.0.0.1:6443"), settings!.KubernetesApi);
    }

    [Theory]
    [InlineData("redis:6379", "redis://redis:6379", null, null, 0)]
    [InlineData("redis://cache.internal:6380/2", "redis://cache.internal:6380", null, null, 2)]
    [InlineData("rediss://app:p%40ss@cache.example.com/1", "rediss://cache.example.com:6379", "app", "p@ss", 1)]
    [InlineData("rediss://:only-password@h:7000", "rediss://h:7000", null, "only-password", 0)]
    public void Read_RedisAddresses_HostPortTlsUserDatabase(string address, string endpoint, string? user, string? password, int db)
    {
        var (settings, problems) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "redis"),
            ("MULTINODE_QUEUE", "w"), ("MULTINODE_REDIS_ADDRESS", address));

        Assert.Empty(problems);
        Assert.Equal((endpoint, user, password, db), (settings!.Redis!.ToString(), settings.Redis.User, settings.Redis.Password, settings.Redis.Database));
    }

    [Fact]
    public void Read_RedisTlsFlagAndAclUser_FromEnvironment()
    {
        var (settings, _) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "redis"),
            ("MULTINODE_QUEUE", "w"), ("MULTINODE_REDIS_ADDRESS", "r:6379"), ("MULTINODE_REDIS_TLS", "true"),
            ("MULTINODE_REDIS_USERNAME", "worker"), ("MULTINODE_REDIS_PASSWORD", "pw"));

        Assert.Equal(("rediss://r:6379", "worker", "pw"), (settings!.Redis!.ToString(), settings.Redis.User, settings.Redis.Password));
    }

    [Fact]
    public void Read_RedisBadAddress_NamesItWithoutThePassword()
    {
        var (_, problems) = Read(("MULTINODE_KIND", "function"), ("MULTINODE_WORKLOAD", "w"), ("MULTINODE_QUEUE_KIND", "redis"),
            ("MULTINODE_QUEUE", "w"), ("MULTINODE_REDIS_ADDRESS", "redis://u:secret@h/99"));

        Assert.Equal(["MULTINODE_REDIS_ADDRESS: 'redis://u:***@h/99': the database must be a number from 0 to 15"], problems);
    }
}
