using System.Globalization;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Platforms;

/// <summary>One instance of the group as DescribeAutoScalingGroups shows it.</summary>
public sealed record GroupInstance(string Id, string LifecycleState, bool Protected);

/// <summary>The group's sizes and instances.</summary>
public sealed record GroupView(int MinSize, int MaxSize, int DesiredCapacity, IReadOnlyList<GroupInstance> Instances)
{
    public int InService => Instances.Count(i => i.LifecycleState == "InService");
}

/// <summary>The few Auto Scaling Query API calls (version 2011-01-01) the worker makes about its own instance and
/// group. Each call has <see cref="Deadline"/>; retries are the caller's (<see cref="Calls"/>).</summary>
public sealed class AutoScaling(AwsQueryClient query, Uri endpoint, string group, string instanceId)
{
    private const string Version = "2011-01-01";

    /// <summary>One Auto Scaling call's deadline (docs/worker.md, "Deadlines and retries").</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public string InstanceId => instanceId;

    private static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    private Task<System.Xml.Linq.XElement> Call(string action, CancellationToken cancel, params KeyValuePair<string, string>[] parameters) =>
        query.CallAsync(endpoint, "autoscaling", Version, action, parameters, cancel, Deadline);

    public async Task SetProtectionAsync(bool on, CancellationToken cancel) =>
        await Call("SetInstanceProtection", cancel, P("AutoScalingGroupName", group), P("InstanceIds.member.1", instanceId),
            P("ProtectedFromScaleIn", on ? "true" : "false"));

    public async Task<GroupView> DescribeAsync(CancellationToken cancel)
    {
        var root = await Call("DescribeAutoScalingGroups", cancel, P("AutoScalingGroupNames.member.1", group));
        var found = root.All("AutoScalingGroups").SelectMany(g => g.Elements()).FirstOrDefault()
            ?? throw new AwsCallException("DescribeAutoScalingGroups", "NoGroup", $"group {group} was not found");
        static int Int(System.Xml.Linq.XElement e, string name) => int.Parse(e.Child(name) ?? "0", CultureInfo.InvariantCulture);
        var instances = found.Elements().Where(e => e.Name.LocalName == "Instances").SelectMany(i => i.Elements())
            .Select(m => new GroupInstance(m.Child("InstanceId") ?? "", m.Child("LifecycleState") ?? "",
                m.Child("ProtectedFromScaleIn") == "true"))
            .ToList();
        return new GroupView(Int(found, "MinSize"), Int(found, "MaxSize"), Int(found, "DesiredCapacity"), instances);
    }

    /// <summary>SetDesiredCapacity with HonorCooldown=false (a worker raising capacity acts on what it sees now).</summary>
    public async Task SetDesiredCapacityAsync(int desired, CancellationToken cancel) =>
        await Call("SetDesiredCapacity", cancel, P("AutoScalingGroupName", group),
            P("DesiredCapacity", desired.ToString(CultureInfo.InvariantCulture)), P("HonorCooldown", "false"));

    public async Task TerminateSelfAsync(bool decrementDesired, CancellationToken cancel) =>
        await Call("TerminateInstanceInAutoScalingGroup", cancel, P("InstanceId", instanceId),
            P("ShouldDecrementDesiredCapacity", decrementDesired ? "true" : "false"));

    /// <summary>The name of the group's termination lifecycle hook, or null when it has none.</summary>
    public async Task<string?> TerminationHookAsync(CancellationToken cancel)
    {
        var root = await Call("DescribeLifecycleHooks", cancel, P("AutoScalingGroupName", group));
        return root.All("LifecycleHooks").SelectMany(h => h.Elements())
            .Where(m => m.Child("LifecycleTransition") == "autoscaling:EC2_INSTANCE_TERMINATING")
            .Select(m => m.Child("LifecycleHookName")).FirstOrDefault(n => n is not null);
    }

    public async Task HeartbeatAsync(string hook, CancellationToken cancel) =>
        await Call("RecordLifecycleActionHeartbeat", cancel, P("AutoScalingGroupName", group), P("LifecycleHookName", hook),
            P("InstanceId", instanceId));

    public async Task CompleteAsync(string hook, CancellationToken cancel) =>
        await Call("CompleteLifecycleAction", cancel, P("AutoScalingGroupName", group), P("LifecycleHookName", hook),
            P("InstanceId", instanceId), P("LifecycleActionResult", "CONTINUE"));
}

/// <summary>Instance metadata with an IMDSv2 session token; every request has <see cref="Deadline"/>.</summary>
public sealed class InstanceMetadata(HttpClient http, Uri endpoint)
{
    /// <summary>One IMDS request's deadline (IMDS answers in milliseconds on a healthy instance).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private string? _token;
    private DateTimeOffset _tokenUntil;

    /// <summary><c>autoscaling/target-lifecycle-state</c>: <c>InService</c>, <c>Terminated</c>, …; null when unreadable.</summary>
    public Task<string?> TargetLifecycleStateAsync(CancellationToken cancel) =>
        ReadAsync("autoscaling/target-lifecycle-state", cancel);

    /// <summary><c>spot/instance-action</c>: present (200) only once EC2 has scheduled a Spot interruption.</summary>
    public Task<string?> SpotInterruptionAsync(CancellationToken cancel) => ReadAsync("spot/instance-action", cancel);

    /// <summary><c>events/recommendations/rebalance</c>: present (200) once EC2 recommends rebalancing this Spot instance.</summary>
    public Task<string?> RebalanceAsync(CancellationToken cancel) => ReadAsync("events/recommendations/rebalance", cancel);

    /// <summary>A metadata item, or null when it does not exist (404). No answer within the deadline, a refused
    /// connection or another status throws, so the caller can tell "absent" from "unreadable".</summary>
    private async Task<string?> ReadAsync(string item, CancellationToken cancel)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(Deadline);
        try
        {
            if (_token is null || DateTimeOffset.UtcNow >= _tokenUntil)
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(endpoint, "latest/api/token"));
                put.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
                using var tokenResponse = await http.SendAsync(put, timer.Token);
                if (!tokenResponse.IsSuccessStatusCode)
                    throw new HttpRequestException($"IMDS token request answered {(int)tokenResponse.StatusCode}");
                _token = await tokenResponse.Content.ReadAsStringAsync(timer.Token);
                _tokenUntil = DateTimeOffset.UtcNow + TimeSpan.FromHours(5);
            }
            using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "latest/meta-data/" + item));
            get.Headers.Add("X-aws-ec2-metadata-token", _token);
            using var response = await http.SendAsync(get, timer.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized) _token = null;
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"IMDS {item} answered {(int)response.StatusCode}");
            return (await response.Content.ReadAsStringAsync(timer.Token)).Trim();
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"IMDS {item} did not answer within {Deadline.TotalSeconds} s");
        }
    }

    public static string Seconds(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
