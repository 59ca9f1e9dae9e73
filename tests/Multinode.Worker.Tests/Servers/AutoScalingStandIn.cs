using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Web;

namespace Multinode.Worker.Tests.Servers;

/// <summary>One recorded call to the stand-in.</summary>
public sealed record AwsCall(string Action, IReadOnlyDictionary<string, string> Parameters, string Authorization, DateTimeOffset At);

/// <summary>What a faulty endpoint does instead of answering.</summary>
public enum Fault { None, Hang, Error500, Throttle }

/// <summary>An instance of the stand-in's group.</summary>
public sealed class StandInInstance(string id)
{
    public string Id { get; } = id;
    public string State { get; set; } = "InService";
    public bool Protected { get; set; }
    public string? SpotNotice { get; set; }
    public string? Rebalance { get; set; }
}

/// <summary>A local stand-in for one EC2 Auto Scaling group (Query API 2011-01-01), its instances' metadata service
/// (IMDSv2, one path prefix per instance: <c>/imds/&lt;id&gt;/</c>) and the Kubernetes pod PATCH; no emulator exists
/// for either. It follows the EC2 Auto Scaling API reference and user guide: SetDesiredCapacity outside
/// [MinSize, MaxSize] is a ValidationError; a scale-in terminates only unprotected InService instances and, when it
/// finds none, lowers desired capacity and leaves the protected ones ("Use instance scale-in protection");
/// TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity refuses to go below MinSize and without
/// it launches a replacement; a termination goes to Terminating:Wait while the group has a termination hook, until
/// CompleteLifecycleAction; SetInstanceProtection on a terminating instance is a ValidationError. Faults (hang, 500,
/// throttle) are injected per action name, "IMDS" or "PATCH".</summary>
public sealed class AutoScalingStandIn : IDisposable
{
    private const string Ns = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _lock = new();
    private readonly List<StandInInstance> _instances = [];
    private int _launched;

    public const string GroupName = "square-asg", Hook = "square-drain";

    public int Port { get; } = Repo.FreePort();

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    public Uri Imds(string instanceId) => new(Endpoint, $"imds/{instanceId}/");

    public ConcurrentQueue<AwsCall> Calls { get; } = new();

    public ConcurrentDictionary<string, Fault> Faults { get; } = new();

    public int MinSize { get; set; }

    public int MaxSize { get; set; } = 10;

    public int Desired { get; private set; }

    public bool HasHook { get; set; } = true;

    public AutoScalingStandIn(params string[] instances)
    {
        foreach (var id in instances) _instances.Add(new StandInInstance(id));
        Desired = instances.Length;
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public IReadOnlyList<AwsCall> Of(string action) => [.. Calls.Where(c => c.Action == action)];

    /// <summary>Adds an instance (a peer with no worker process, e.g. a busy one: protected).</summary>
    public void Add(string id, bool isProtected)
    {
        lock (_lock)
        {
            _instances.Add(new StandInInstance(id) { Protected = isProtected });
            Desired++;
        }
    }

    /// <summary>What an operator's terminate or a scale-in does to one instance: it starts terminating.</summary>
    public void StartTerminating(string id)
    {
        lock (_lock) _instances.Single(i => i.Id == id).State = HasHook ? "Terminating:Wait" : "Terminated";
    }

    public StandInInstance Instance(string id)
    {
        lock (_lock) return _instances.Single(i => i.Id == id);
    }

    /// <summary>The instances not yet Terminated, as DescribeAutoScalingGroups lists them.</summary>
    public IReadOnlyList<StandInInstance> Live()
    {
        lock (_lock) return [.. _instances.Where(i => i.State != "Terminated")];
    }

    public int InService()
    {
        lock (_lock) return _instances.Count(i => i.State == "InService");
    }

    /// <summary>What a scaling policy does: set desired capacity (bounded as SetDesiredCapacity is).</summary>
    public void SetDesired(int desired)
    {
        lock (_lock) Reconcile(desired);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var (status, body) = await AnswerAsync(context.Request);
            if (status == 0) return;
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task<(int, string)> Faulty(string key)
    {
        switch (Faults.GetValueOrDefault(key))
        {
            case Fault.Hang:
                await _closing.Task;
                return (0, "");
            case Fault.Error500:
                return (500, Error("InternalFailure", "injected 500"));
            case Fault.Throttle:
                return (400, Error("Throttling", "Rate exceeded"));
            default:
                return (-1, "");
        }
    }

    private async Task<(int, string)> AnswerAsync(HttpListenerRequest request)
    {
        var path = request.Url!.AbsolutePath;
        if (path.StartsWith("/imds/", StringComparison.Ordinal))
        {
            var fault = await Faulty("IMDS");
            return fault.Item1 >= 0 ? fault : Metadata(request, path);
        }
        using var reader = new StreamReader(request.InputStream);
        if (request.HttpMethod == "PATCH")
        {
            Calls.Enqueue(new AwsCall("PATCH " + path, new Dictionary<string, string> { ["body"] = await reader.ReadToEndAsync(),
                ["content-type"] = request.ContentType ?? "" }, request.Headers["Authorization"] ?? "", DateTimeOffset.UtcNow));
            var fault = await Faulty("PATCH");
            return fault.Item1 >= 0 ? fault : (200, "{}");
        }
        var form = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
        var parameters = form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!);
        var action = parameters.GetValueOrDefault("Action", "");
        Calls.Enqueue(new AwsCall(action, parameters, request.Headers["Authorization"] ?? "", DateTimeOffset.UtcNow));
        var injected = await Faulty(action);
        if (injected.Item1 >= 0) return injected;
        lock (_lock) return Act(action, parameters);
    }

    private (int, string) Metadata(HttpListenerRequest request, string path)
    {
        var parts = path.Split('/', 4);
        var id = parts[2];
        var item = "/" + parts[3];
        Calls.Enqueue(new AwsCall("IMDS " + item, new Dictionary<string, string> { ["instance"] = id }, "", DateTimeOffset.UtcNow));
        if (request.HttpMethod == "PUT" && item == "/latest/api/token")
            return request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] is null ? (400, "") : (200, "imds-token");
        if (request.Headers["X-aws-ec2-metadata-token"] != "imds-token") return (401, "");
        lock (_lock)
        {
            var instance = _instances.SingleOrDefault(i => i.Id == id);
            if (instance is null) return (404, "");
            return item switch
            {
                "/latest/meta-data/autoscaling/target-lifecycle-state" => (200, instance.State.StartsWith("Terminat", StringComparison.Ordinal)
                    ? "Terminated" : "InService"),
                "/latest/meta-data/spot/instance-action" => instance.SpotNotice is { } n ? (200, n) : (404, ""),
                "/latest/meta-data/events/recommendations/rebalance" => instance.Rebalance is { } r ? (200, r) : (404, ""),
                _ => (404, ""),
            };
        }
    }

    private (int, string) Act(string action, Dictionary<string, string> p)
    {
        StandInInstance? Find(string key) => _instances.SingleOrDefault(i => i.Id == p.GetValueOrDefault(key) && i.State != "Terminated");
        switch (action)
        {
            case "DescribeAutoScalingGroups":
                var members = string.Concat(_instances.Where(i => i.State != "Terminated").Select(i =>
                    $"<member><InstanceId>{i.Id}</InstanceId><LifecycleState>{i.State}</LifecycleState><HealthStatus>Healthy</HealthStatus>" +
                    $"<ProtectedFromScaleIn>{(i.Protected ? "true" : "false")}</ProtectedFromScaleIn></member>"));
                return Ok(action, $"<AutoScalingGroups><member><AutoScalingGroupName>{GroupName}</AutoScalingGroupName><MinSize>{MinSize}</MinSize>" +
                    $"<MaxSize>{MaxSize}</MaxSize><DesiredCapacity>{Desired}</DesiredCapacity><Instances>{members}</Instances></member></AutoScalingGroups>");
            case "DescribeLifecycleHooks":
                var hook = HasHook ? $"<member><LifecycleHookName>{Hook}</LifecycleHookName><LifecycleTransition>autoscaling:EC2_INSTANCE_TERMINATING</LifecycleTransition></member>" : "";
                return Ok(action, $"<LifecycleHooks><member><LifecycleHookName>launch</LifecycleHookName><LifecycleTransition>autoscaling:EC2_INSTANCE_LAUNCHING</LifecycleTransition></member>{hook}</LifecycleHooks>");
            case "SetDesiredCapacity":
                var desired = int.Parse(p["DesiredCapacity"], CultureInfo.InvariantCulture);
                if (desired > MaxSize)
                    return (400, Error("ValidationError", $"New SetDesiredCapacity value {desired} is above max value {MaxSize} for the AutoScalingGroup."));
                if (desired < MinSize)
                    return (400, Error("ValidationError", $"New SetDesiredCapacity value {desired} is below min value {MinSize} for the AutoScalingGroup."));
                Reconcile(desired);
                return Ok(action, "");
            case "SetInstanceProtection":
                var target = Find("InstanceIds.member.1");
                if (target is null || target.State != "InService")
                    return (400, Error("ValidationError", $"The instance {p.GetValueOrDefault("InstanceIds.member.1")} is not in InService or Standby."));
                target.Protected = p["ProtectedFromScaleIn"] == "true";
                return Ok(action, "");
            case "TerminateInstanceInAutoScalingGroup":
                var self = Find("InstanceId");
                if (self is null || self.State != "InService")
                    return (400, Error("ValidationError", $"The instance {p.GetValueOrDefault("InstanceId")} is not part of Auto Scaling group or is terminating."));
                var decrement = p["ShouldDecrementDesiredCapacity"] == "true";
                if (decrement && Desired - 1 < MinSize)
                    return (400, Error("ValidationError", $"Currently, desiredSize equals minSize ({MinSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size."));
                self.State = HasHook ? "Terminating:Wait" : "Terminated";
                if (decrement) Desired--;
                Reconcile(Desired);
                return Ok(action, "<Activity><StatusCode>InProgress</StatusCode></Activity>");
            case "CompleteLifecycleAction" or "RecordLifecycleActionHeartbeat":
                var waiting = Find("InstanceId");
                if (waiting is null || waiting.State != "Terminating:Wait" || p.GetValueOrDefault("LifecycleHookName") != Hook)
                    return (400, Error("ValidationError", $"No active Lifecycle Action found with instance ID {p.GetValueOrDefault("InstanceId")}"));
                if (action == "CompleteLifecycleAction") waiting.State = "Terminated";
                return Ok(action, "");
            default:
                return (400, Error("InvalidAction", $"{action} is not modelled"));
        }
    }

    /// <summary>Launch up to, or scale in down to, <paramref name="desired"/> counting InService and Pending
    /// instances; a scale-in takes only unprotected InService instances, newest first, and leaves the rest.</summary>
    private void Reconcile(int desired)
    {
        Desired = desired;
        var counted = _instances.Where(i => i.State is "InService" or "Pending").ToList();
        for (var n = counted.Count; n < desired; n++) _instances.Add(new StandInInstance($"i-launched-{++_launched}"));
        foreach (var victim in counted.Where(i => i.State == "InService" && !i.Protected).Reverse().Take(counted.Count - desired))
            victim.State = HasHook ? "Terminating:Wait" : "Terminated";
    }

    private static (int, string) Ok(string action, string result) =>
        (200, $"""<{action}Response xmlns="{Ns}"><{action}Result>{result}</{action}Result></{action}Response>""");

    private static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="{Ns}"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>""";

    public void Dispose()
    {
        _closing.TrySetResult();
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
