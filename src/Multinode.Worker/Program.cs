using System.Runtime.InteropServices;
using Multinode.Worker;
using Multinode.Worker.Decisions;
using Multinode.Worker.Platforms;
using Multinode.Worker.Queues;
using Multinode.Worker.Shared;

static void Log(string message) =>
    Console.Error.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} multinode-worker[{Environment.ProcessId}]: {message}");

var (settings, problems) = Settings.Read(Environment.GetEnvironmentVariable);
if (settings is null)
{
    Console.Error.WriteLine($"multinode-worker: {problems.Count} configuration problem{(problems.Count == 1 ? "" : "s")} (see docs/worker.md):");
    foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
    return 2;
}

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    if (!stop.IsCancellationRequested) Log($"{context.Signal}: finishing the invocation in hand, taking no new one");
    stop.Cancel();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var clock = TimeProvider.System;
// Every HTTP call has its own deadline (set per call); the handler bounds connecting too.
using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
{
    Timeout = Timeout.InfiniteTimeSpan,
};
var aws = settings.Region is { } region ? new AwsQueryClient(http, region, AwsQueryClient.DefaultCredentials()) : null;
var sqs = aws is null ? null : new SqsClient(aws, settings.SqsEndpoint);
using var redisLink = settings.Redis is { } endpoint ? new RedisLink(endpoint) : null;
var replies = new Replies(redisLink, sqs, settings.Region, settings.SqsEndpoint,
    settings.QueueKind == QueueKind.AwsSqs ? settings.Queue : null);
IWorkQueue queue = settings.QueueKind switch
{
    QueueKind.Redis => new RedisWorkQueue(settings.Redis!, settings.Queue, settings.ProcessingList,
        settings.Timeout, redisLink!, replies),
    QueueKind.AwsSqs => new SqsWorkQueue(sqs!, settings.Queue, settings.Timeout, replies, Log),
    _ => throw new InvalidOperationException($"queue kind {settings.QueueKind} has no consumer"),
};
await using var _ = queue;

using var kubernetesHttp = settings.Platform == PlatformKind.Kubernetes ? new HttpClient(KubernetesPlatform.Handler()) : null;
IPlatform platform = settings.Platform switch
{
    PlatformKind.None => new NoPlatform(),
    PlatformKind.Aws => new AwsPlatform(
        new AutoScaling(aws!, settings.AutoScalingEndpoint!, settings.Group!, settings.InstanceId!),
        new InstanceMetadata(http, settings.ImdsEndpoint), queue,
        !settings.TakesOneMessage
            ? new CooldownPolicy(settings.Cooldown, settings.SpareWorkers,
                TimeSpan.FromSeconds(Math.Clamp(settings.Cooldown.TotalSeconds / 10, 2, 30)), Random.Shared.NextDouble)
            : null,
        new AwsDuties(settings.TakesOneMessage, settings.SpareWorkers, settings.LifecycleHook,
            TimeSpan.FromSeconds(Math.Clamp(settings.Timeout.TotalSeconds / 3, 1, 30)), settings.ScaleOutEvery),
        clock, Log),
    PlatformKind.Kubernetes => new KubernetesPlatform(kubernetesHttp!, settings.KubernetesApi!, settings.PodNamespace!, settings.PodName!,
        new DeletionCostPolicy(TimeSpan.FromSeconds(30)), clock, Log),
    _ => throw new InvalidOperationException($"platform {settings.Platform} has no duties defined"),
};

var server = new UserServer(http, settings.InvokeUrl, settings.Timeout, settings.MaxMessageBytes);
return await new WorkerLoop(settings, queue, replies, server, platform, clock, Log).RunAsync(stop.Token);
