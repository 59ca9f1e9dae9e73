using Multinode.Infra.Planning;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Pulumirpc;

namespace Multinode.Infra.Provider;

/// <summary>
/// Construct: validates one component's inputs, plans it with the configured target, registers the component
/// and each planned child with the engine's ResourceMonitor, then the component's outputs.
/// </summary>
public sealed class ComponentConstructor(EngineLog log, EngineCalls? calls = null) : IDisposable
{
    /// <summary>Deadline of every call to the monitor (<see cref="EngineCalls"/>).</summary>
    private readonly EngineCalls _calls = calls ?? EngineCalls.Default;

    private readonly MonitorChannels _monitors = new();

    /// <summary>Every workload constructed by this plugin process, i.e. in this preview or update: quotas, the budget
    /// and unique child URNs hold over all of a program's workloads, and the engine constructs them one at a time.</summary>
    private readonly ProgramRules _program = new();

    /// <summary>What the monitor answered for a registered child: enough to resolve references to it. Its outputs are
    /// converted when first referred to; most children are referred to by none.</summary>
    private sealed class Registered(string urn, string id, Google.Protobuf.WellKnownTypes.Struct? outputs)
    {
        private readonly Lazy<PropertyMap> _outputs = new(() => PropertyConverter.ToMap(outputs));

        public string Urn => urn;

        public PropertyValue Output(string property, bool dryRun)
        {
            if (property == "urn") return Urn;
            if (property == "id") return id.Length == 0 ? PropertyValue.Unknown : id;
            PropertyValue current = PropertyValue.From(_outputs.Value);
            var secret = false;
            foreach (var segment in property.Split('.'))
            {
                if (current is SecretValue s) { secret = true; current = s.Value; }
                if (current is UnknownValue) break;
                if (current is ObjectValue o && o.Map.Get(segment) is { } next)
                {
                    current = next;
                    continue;
                }
                // Absent in preview means not known yet; absent after an update means the provider left it empty.
                current = dryRun ? PropertyValue.Unknown : PropertyValue.Null;
                break;
            }
            return secret ? PropertyValue.Secret(current) : current;
        }
    }

    public async Task<ConstructResponse> ConstructAsync(ConstructRequest request, ConfiguredProvider configured, CancellationToken cancellationToken)
    {
        // Dependencies of each input: the engine's inputDependencies plus those carried by output values and
        // resource references inside it.
        var propertyDependencies = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var entries = new List<KeyValuePair<string, PropertyValue>>();
        foreach (var (key, value) in request.Inputs?.Fields ?? [])
        {
            var dependencies = new SortedSet<string>(StringComparer.Ordinal);
            try
            {
                entries.Add(KeyValuePair.Create(key, PropertyConverter.ToValue(value, dependencies, key)));
            }
            catch (UnsupportedValueException e)
            {
                throw new ValidationFailedException([new ValidationFailure(Label(request), e.Path, e.Message)]);
            }
            if (request.InputDependencies.TryGetValue(key, out var declared)) dependencies.UnionWith(declared.Urns);
            if (dependencies.Count > 0) propertyDependencies[key] = dependencies;
        }
        var inputs = new PropertyMap(entries);
        var config = await SubnetVpcLookup.ResolveAsync(configured, request, _monitors, _calls, cancellationToken)
            .ConfigureAwait(false);

        var result = Planner.PlanComponent(new ResourceDeclaration(request.Name, request.Type, inputs), config);
        if (!result.IsValid) throw new ValidationFailedException(result.Failures);
        var plan = result.Value!;
        // All or nothing: every check before the first registration.
        var oversized = ChildSizes.Check(plan);
        if (oversized.Count > 0) throw new ValidationFailedException(oversized);
        var exceeded = _program.Admit(plan, config);
        if (exceeded.Count > 0) throw new ValidationFailedException(exceeded);
        ConstructResponse response;
        try
        {
            response = await RegisterAsync(request, plan, propertyDependencies, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            // A workload the engine did not take counts toward no quota and plans no child name.
            _program.Withdraw(plan, config);
            throw;
        }
        // `pulumi preview` shows these beside the component (a schedule that never fires, a renamed time zone).
        foreach (var warning in result.Warnings) log.Warning(warning.ToString(), response.Urn);
        return response;
    }

    /// <summary>How messages name the component before its inputs are read: <c>Function "square"</c>.</summary>
    private static string Label(ConstructRequest request) =>
        $"{request.Type[(request.Type.LastIndexOf(':') + 1)..]} {PropertyValue.QuoteShort(request.Name)}";

    /// <summary>Registers a planned workload: the component, its children in dependency order, its outputs.</summary>
    internal async Task<ConstructResponse> RegisterAsync(ConstructRequest request, WorkloadPlan plan,
        IReadOnlyDictionary<string, SortedSet<string>> propertyDependencies, CancellationToken cancellationToken)
    {
        var inputDependencies = propertyDependencies.Values.SelectMany(d => d).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var monitor = _monitors.For(request.MonitorEndpoint);

        var componentRequest = new RegisterResourceRequest
        {
            Type = request.Type,
            Name = request.Name,
            Parent = request.Parent,
            Custom = false,
            Remote = false,
            Object = new Google.Protobuf.WellKnownTypes.Struct(),
            AcceptSecrets = true,
            AcceptResources = true,
            Dependencies = { request.Dependencies.Concat(inputDependencies).Distinct(StringComparer.Ordinal) },
            Providers = { request.Providers },
        };
        foreach (var (key, urns) in propertyDependencies)
            componentRequest.PropertyDependencies[key] = new RegisterResourceRequest.Types.PropertyDependencies { Urns = { urns } };
        if (request.HasProtect) componentRequest.Protect = request.Protect;
        if (request.HasRetainOnDelete) componentRequest.RetainOnDelete = request.RetainOnDelete;
        var component = await _calls.Call(options => monitor.RegisterResourceAsync(componentRequest, options),
            $"registering {plan.Workload.Label}", cancellationToken).ConfigureAwait(false);

        // Each child is sent as soon as the children it refers to are registered, so independent children
        // are created in parallel during `pulumi up`.
        var registrations = new Dictionary<string, Task<Registered>>(StringComparer.Ordinal);
        foreach (var resource in plan.Resources)
            registrations[resource.Name] = RegisterChildAsync(_calls, monitor, request, component.Urn, resource, registrations,
                inputDependencies, cancellationToken);
        await Task.WhenAll(registrations.Values).ConfigureAwait(false);
        var children = registrations.ToDictionary(r => r.Key, r => r.Value.Result, StringComparer.Ordinal);

        var outputs = Resolve(plan.Outputs, children, request.DryRun);
        var state = PropertyConverter.ToStruct(outputs);
        await _calls.Call(options => monitor.RegisterResourceOutputsAsync(
            new RegisterResourceOutputsRequest { Urn = component.Urn, Outputs = state }, options),
            $"registering the outputs of {plan.Workload.Label}", cancellationToken).ConfigureAwait(false);

        var response = new ConstructResponse { Urn = component.Urn, State = state };
        foreach (var (key, value) in plan.Outputs)
        {
            var urns = value.References().Select(name => children[name].Urn).ToList();
            if (urns.Count > 0) response.StateDependencies[key] = new ConstructResponse.Types.PropertyDependencies { Urns = { urns } };
        }
        return response;
    }

    private static async Task<Registered> RegisterChildAsync(EngineCalls calls, ResourceMonitor.ResourceMonitorClient monitor,
        ConstructRequest construct,
        string componentUrn, PlannedResource resource, IReadOnlyDictionary<string, Task<Registered>> earlier,
        IEnumerable<string> inputDependencies, CancellationToken cancellationToken)
    {
        var dependsOn = resource.DependsOn;
        var dependencies = new Dictionary<string, Registered>(StringComparer.Ordinal);
        foreach (var name in dependsOn)
        {
            if (!earlier.TryGetValue(name, out var task))
                throw new InvalidOperationException($"{resource.Name} refers to {name}, which is not planned before it");
            dependencies[name] = await task.ConfigureAwait(false);
        }

        var options = resource.Options;
        var inputs = new Google.Protobuf.WellKnownTypes.Struct();
        var referenced = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in resource.Inputs)
        {
            var names = new List<string>();
            inputs.Fields[key] = ResolveToProto(value, dependencies, construct.DryRun, names);
            if (names.Count > 0) referenced[key] = names;
        }
        var request = new RegisterResourceRequest
        {
            Type = resource.Type,
            Name = resource.Name,
            Parent = componentUrn,
            Custom = true,
            Object = inputs,
            AcceptSecrets = true,
            AcceptResources = true,
            Version = ChildProviders.VersionOf(resource.Package) ?? "",
            // Inputs may derive from any component input, so a child waits for what the component's inputs waited for.
            Dependencies = { dependsOn.Select(n => dependencies[n].Urn).Concat(inputDependencies).Distinct(StringComparer.Ordinal) },
            IgnoreChanges = { options.IgnoreChanges },
            ReplaceOnChanges = { options.ReplaceOnChanges },
            AdditionalSecretOutputs = { options.AdditionalSecretOutputs },
            DeleteBeforeReplace = options.DeleteBeforeReplace,
            DeleteBeforeReplaceDefined = options.DeleteBeforeReplace,
        };
        foreach (var (key, names) in referenced)
            request.PropertyDependencies[key] = new RegisterResourceRequest.Types.PropertyDependencies { Urns = { names.Select(name => dependencies[name].Urn) } };
        if (construct.Providers.TryGetValue(resource.Package, out var provider)) request.Provider = provider;
        // Like the SDKs, protect and retainOnDelete given to the component hold for its children.
        if (construct.HasProtect) request.Protect = construct.Protect;
        if (construct.HasRetainOnDelete) request.RetainOnDelete = construct.RetainOnDelete;

        var response = await calls.Call(options => monitor.RegisterResourceAsync(request, options),
            $"registering {resource.Type} \"{resource.Name}\"", cancellationToken).ConfigureAwait(false);
        return new Registered(response.Urn, response.Id, response.Object);
    }

    private static PropertyMap Resolve(PropertyMap map, IReadOnlyDictionary<string, Registered> children, bool dryRun) =>
        new(map.Select(e => KeyValuePair.Create(e.Key, Resolve(e.Value, children, dryRun))));

    /// <summary>Replaces references to children by their registered outputs (unknown in preview until known).</summary>
    private static PropertyValue Resolve(PropertyValue value, IReadOnlyDictionary<string, Registered> children, bool dryRun) => value switch
    {
        ReferenceValue r => children[r.Resource].Output(r.Property, dryRun),
        // Joined once every referenced output is known; Concat keeps unknown and secret parts' rules.
        InterpolationValue i => PropertyValue.Concat(i.Parts.Select(p => Resolve(p, children, dryRun))),
        SecretValue s => PropertyValue.Secret(Resolve(s.Value, children, dryRun)),
        ArrayValue a => PropertyValue.From(a.Items.Select(i => Resolve(i, children, dryRun))),
        ObjectValue o => PropertyValue.From(Resolve(o.Map, children, dryRun)),
        _ => value,
    };

    /// <summary>
    /// <see cref="PropertyConverter.ToProto"/> of <see cref="Resolve(PropertyValue, IReadOnlyDictionary{string, Registered}, bool)"/>
    /// in one walk, without the resolved copy of every list and object; the children referred to are added to
    /// <paramref name="referenced"/> in order of first appearance. Children's inputs are most of what Construct sends.
    /// </summary>
    private static Google.Protobuf.WellKnownTypes.Value ResolveToProto(PropertyValue value, IReadOnlyDictionary<string, Registered> children,
        bool dryRun, List<string> referenced)
    {
        switch (value)
        {
            case ArrayValue a:
                var list = new Google.Protobuf.WellKnownTypes.ListValue();
                foreach (var item in a.Items) list.Values.Add(ResolveToProto(item, children, dryRun, referenced));
                return new Google.Protobuf.WellKnownTypes.Value { ListValue = list };
            case ObjectValue o:
                var fields = new Google.Protobuf.WellKnownTypes.Struct();
                foreach (var (key, item) in o.Map) fields.Fields[key] = ResolveToProto(item, children, dryRun, referenced);
                return Google.Protobuf.WellKnownTypes.Value.ForStruct(fields);
            case ReferenceValue or InterpolationValue or SecretValue:
                // A resolved secret may itself be secret (a secret output), and secrets do not nest: resolve first.
                foreach (var name in value.References())
                    if (!referenced.Contains(name, StringComparer.Ordinal)) referenced.Add(name);
                return PropertyConverter.ToProto(Resolve(value, children, dryRun));
            default:
                return PropertyConverter.ToProto(value);
        }
    }

    public void Dispose() => _monitors.Dispose();
}
