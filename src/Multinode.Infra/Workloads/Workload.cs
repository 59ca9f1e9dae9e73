using Multinode.Infra.Values;

namespace Multinode.Infra.Workloads;

/// <summary>CPU, memory and GPUs of one worker.</summary>
public sealed record ResourceRequest(double Cpu, Memory Memory, GpuRequest? Gpu)
{
    public static readonly ResourceRequest Default = new(1, Memory.Parse("2Gi"), null);
}

/// <summary>
/// What every workload runs. Image, command, args, env and tags pass straight into child resources, so they
/// may be unknown during preview or secret; everything that decides the shape of the plan is a known value.
/// An env map given as one secret (<c>pulumi.secret({...})</c>) or unknown as a whole is <see cref="WholeEnv"/>
/// (secret, secret and unknown, or plain and unknown), with <see cref="Env"/> empty: its names are as hidden as its
/// values.
/// </summary>
public sealed record Container(
    PropertyValue Image,
    PropertyValue? Command,
    PropertyValue? Args,
    PropertyMap Env,
    int TimeoutSeconds,
    PropertyMap Tags,
    IReadOnlyList<string> InstanceTypes,
    PropertyValue? WholeEnv = null)
{
    /// <summary>True when the env has secret values, or is secret as a whole (<see cref="WholeEnv"/>).</summary>
    public bool HasSecretEnv => WholeEnv is SecretValue || Env.Values.Any(v => v.ContainsSecret);

    /// <summary>An env that is plain but unknown as a whole (preview): its entries reach the container unseen.</summary>
    public PropertyValue? PlainWholeEnv => WholeEnv is SecretValue ? null : WholeEnv;

    public const int DefaultTimeoutSeconds = Multinode.Contracts.WorkloadLimits.DefaultTimeoutSeconds;
}

/// <summary>A validated workload declaration with every default filled in.</summary>
public abstract record Workload(string Name, Container Container, ResourceRequest Resources)
{
    /// <summary>The kind's definition (its name, token, inputs, outputs and rules): the record's type decides it.</summary>
    public abstract WorkloadKind Kind { get; }

    /// <summary>The most workers this workload can run at once: the figure quotas and worst-case cost use.</summary>
    public abstract int MaxWorkers { get; }

    /// <summary>How to name this workload in messages: <c>Function "square"</c>.</summary>
    public string Label => $"{Kind} \"{Name}\"";

    /// <summary>Every resolved setting (defaults filled in), in schema order; what `multinode plan` shows.</summary>
    public PropertyMap Settings()
    {
        var resources = new PropertyMap(
            ("cpu", Resources.Cpu),
            ("memory", Resources.Memory.ToString()),
            ("gpu", Resources.Gpu is { } gpu
                ? PropertyValue.From(new PropertyMap(("type", gpu.Type.Name()), ("count", gpu.Count)))
                : null));
        // Straight into one list (plan JSON and a diff ask this of every workload); entries without a value left out.
        var entries = new List<KeyValuePair<string, PropertyValue>>(16);
        void Add(string key, PropertyValue? value)
        {
            if (value is not null) entries.Add(KeyValuePair.Create(key, value));
        }
        Add("image", Container.Image);
        Add("command", Container.Command);
        Add("args", Container.Args);
        Add("env", Container.WholeEnv ?? PropertyValue.From(Container.Env));
        Add("resources", resources);
        Add("timeoutSeconds", Container.TimeoutSeconds);
        Add("tags", Container.Tags);
        Add("instanceTypes", Container.InstanceTypes.Count > 0 ? PropertyValue.Strings(Container.InstanceTypes) : null);
        foreach (var (key, value) in Kind.Settings(this)) Add(key, value);
        return new PropertyMap(entries);
    }
}
