using System.Globalization;
using Multinode.Worker.Shared;

namespace Multinode.Worker.Platforms;

/// <summary>The few Auto Scaling Query API calls (version 2011-01-01) the worker makes about its own instance.</summary>
public sealed class AutoScaling(AwsQueryClient query, Uri endpoint, string group, string instanceId)
{
    private const string Version = "2011-01-01";

    private static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    private Task<System.Xml.Linq.XElement> Call(string action, CancellationToken cancel, params KeyValuePair<string, string>[] parameters) =>
        query.CallAsync(endpoint, "autoscaling", Version, action, parameters, cancel);

    public async Task SetProtectionAsync(bool on, CancellationToken cancel) =>
        await Call("SetInstanceProtection", cancel, P("AutoScalingGroupName", group), P("InstanceIds.member.1", instanceId),
            P("ProtectedFromScaleIn", on ? "true" : "false"));

    /// <summary>The group's instances in the <c>InService</c> lifecycle state.</summary>
    public async Task<int> InServiceAsync(CancellationToken cancel)
    {
        var root = await Call("DescribeAutoScalingGroups", cancel, P("AutoScalingGroupNames.member.1", group));
        return root.All("Instances").SelectMany(i => i.Elements()).Count(m => m.Child("LifecycleState") == "InService");
    }

    public async Task TerminateSelfAsync(CancellationToken cancel) =>
        await Call("TerminateInstanceInAutoScalingGroup", cancel, P("InstanceId", instanceId), P("ShouldDecrementDesiredCapacity", "true"));

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

/// <summary>Instance metadata with an IMDSv2 session token.</summary>
public sealed class InstanceMetadata(HttpClient http, Uri endpoint)
{
    private string? _token;
    private DateTimeOffset _tokenUntil;

    /// <summary><c>autoscaling/target-lifecycle-state</c>: <c>InService</c>, <c>Terminated</c>, …; null when unreadable.</summary>
    public async Task<string?> TargetLifecycleStateAsync(CancellationToken cancel)
    {
        if (_token is null || DateTimeOffset.UtcNow >= _tokenUntil)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(endpoint, "latest/api/token"));
            put.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
            using var tokenResponse = await http.SendAsync(put, cancel);
            if (!tokenResponse.IsSuccessStatusCode) return null;
            _token = await tokenResponse.Content.ReadAsStringAsync(cancel);
            _tokenUntil = DateTimeOffset.UtcNow + TimeSpan.FromHours(5);
        }
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "latest/meta-data/autoscaling/target-lifecycle-state"));
        get.Headers.Add("X-aws-ec2-metadata-token", _token);
        using var response = await http.SendAsync(get, cancel);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized) _token = null;
        return response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync(cancel)).Trim() : null;
    }

    public static string Seconds(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
