using Multinode.Infra.Configuration;
using Multinode.Infra.Targets;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>Validates a program and plans every workload with the configured target: the one entry point
/// the CLI and the provider share.</summary>
public static class Planner
{
    /// <summary>Reads every workload and the config, reporting all failures together. Tokens name kinds of
    /// <paramref name="kinds"/>, and the config names one of its targets.</summary>
    public static Result<ValidatedProgram> Validate(ProgramDeclaration program, KindRegistry kinds) =>
        Validate(program, kinds, _ => null);

    /// <summary><see cref="Validate(ProgramDeclaration, KindRegistry)"/>, taking the workload <paramref name="read"/>
    /// has for a declaration (one read before, written exactly alike, with no warnings) instead of reading it again.</summary>
    private static Result<ValidatedProgram> Validate(ProgramDeclaration program, KindRegistry kinds, Func<ResourceDeclaration, Workload?> read)
    {
        var failures = new List<ValidationFailure>();
        var config = ProviderConfigReader.Read(program.Config, kinds);
        failures.AddRange(config.Failures);
        var warnings = new List<ValidationFailure>();
        var workloads = ReadWorkloads(program.Resources, kinds, failures, warnings, read);
        if (config.Value is { } c) failures.AddRange(c.Target.Check(workloads, c));
        return failures.Count > 0 || config.Value is null
            ? Result<ValidatedProgram>.Fail(failures)
            : Result<ValidatedProgram>.Ok(new ValidatedProgram(config.Value, workloads) { Warnings = warnings });
    }

    /// <summary>Validates and plans one component with a config validated before (the provider's, read once by
    /// Configure), without the program-wide rules: the provider checks those over every component constructed so far
    /// (<see cref="ProgramRules.Admit"/>). The token names a kind of the registry the config was read with.</summary>
    public static Result<WorkloadPlan> PlanComponent(ResourceDeclaration resource, ProviderConfig config)
    {
        var failures = new List<ValidationFailure>();
        var warnings = new List<ValidationFailure>();
        var workloads = ReadWorkloads([resource], config.Kinds, failures, warnings);
        failures.AddRange(config.Target.Check(workloads, config));
        if (failures.Count > 0) return Result<WorkloadPlan>.Fail(failures);
        var plan = config.Target.Plan(workloads.Single(), config);
        return plan.IsValid ? plan with { Warnings = [.. warnings, .. plan.Value!.Warnings] } : plan;
    }

    /// <summary>Reads each declaration into its workload; a large program on every core (<see cref="InOrder"/>), the
    /// workloads, failures and warnings in declaration order as one by one.</summary>
    private static List<Workload> ReadWorkloads(IEnumerable<ResourceDeclaration> resources, KindRegistry kinds,
        List<ValidationFailure> failures, List<ValidationFailure> warnings, Func<ResourceDeclaration, Workload?>? read = null)
    {
        var results = InOrder.Map(resources as IReadOnlyList<ResourceDeclaration> ?? [.. resources],
            resource => read?.Invoke(resource) is { } known ? Result<Workload>.Ok(known) : Read(resource, kinds), chunk: 64);
        var workloads = new List<Workload>(results.Length);
        foreach (var workload in results)
        {
            failures.AddRange(workload.Failures);
            warnings.AddRange(workload.Warnings);
            if (workload.Value is not null) workloads.Add(workload.Value);
        }
        return workloads;
    }

    private static Result<Workload> Read(ResourceDeclaration resource, KindRegistry kinds)
    {
        if (kinds.FromToken(resource.Token) is { } kind) return WorkloadReader.Read(kind, resource.Name, resource.Properties);
        var known = kinds.Tokens.ToList();
        var suggestion = InputReader.Suggest(resource.Token, known);
        return Result<Workload>.Fail([new ValidationFailure($"resource \"{resource.Name}\"", "type",
            $"type = {PropertyValue.QuoteShort(resource.Token)} is not a Multinode resource; " +
            (suggestion is null ? $"use one of {string.Join(", ", known)}" : $"did you mean {suggestion}?"))]);
    }

    /// <summary>Validates, then plans every workload in declaration order.</summary>
    public static Result<Plan> Plan(ProgramDeclaration program, KindRegistry kinds) =>
        PlanAll(program, kinds, _ => null, _ => null);

    /// <summary>
    /// Every mistake in one run: validates every declaration and the config, then plans the workloads that passed and
    /// checks the program-wide rules (<see cref="ProgramRules"/>) over them even when others failed. What those rules
    /// find among some workloads (a child URN two of them plan, a quota their sum exceeds) holds for the whole program.
    /// </summary>
    private static Result<Plan> PlanAll(ProgramDeclaration program, KindRegistry kinds, Func<ResourceDeclaration, Workload?> read,
        Func<Workload, WorkloadPlan?> reuse)
    {
        var failures = new List<ValidationFailure>();
        var config = ProviderConfigReader.Read(program.Config, kinds);
        failures.AddRange(config.Failures);
        var warnings = new List<ValidationFailure>();
        var workloads = ReadWorkloads(program.Resources, kinds, failures, warnings, read);
        if (config.Value is not { } c) return Result<Plan>.Fail(failures);
        var checks = c.Target.Check(workloads, c).ToList();
        failures.AddRange(checks);
        var labels = workloads.Select(w => w.Label).ToHashSet(StringComparer.Ordinal);
        // A failure not of one workload (the config with the workloads) leaves nothing that is sure to plan.
        if (checks.Any(f => !labels.Contains(f.Resource))) return Result<Plan>.Fail(failures);
        var failed = checks.Select(f => f.Resource).ToHashSet(StringComparer.Ordinal);
        var plan = Plan(c, failed.Count == 0 ? workloads : [.. workloads.Where(w => !failed.Contains(w.Label))], reuse);
        if (failures.Count > 0) return Result<Plan>.Fail([.. failures, .. plan.Failures]);
        return plan.IsValid ? Result<Plan>.Ok(plan.Value! with { Warnings = [.. warnings, .. plan.Value!.Warnings] }) : plan;
    }

    /// <summary>Plans <paramref name="program"/> as <see cref="Plan(ProgramDeclaration, KindRegistry)"/> does, but takes a
    /// workload's plan from <paramref name="earlier"/> (the valid plan of <paramref name="earlierProgram"/>) when the config
    /// and that workload's declaration are written exactly alike: planning is deterministic, so a diff plans each
    /// unchanged workload once. Validation, warnings and the program-wide rules run on <paramref name="program"/> in full.</summary>
    public static Result<Plan> Plan(ProgramDeclaration program, ProgramDeclaration earlierProgram, Plan earlier, KindRegistry kinds)
    {
        var reusable = new Dictionary<string, WorkloadPlan>(earlier.Workloads.Count, StringComparer.Ordinal);
        // A declaration read into the base's workload, written alike: the same workload, and no warnings when the base
        // had none at all (a base with warnings has every declaration read again, so each warning is the head's own).
        var read = new Dictionary<ResourceDeclaration, Workload>(ReferenceEqualityComparer.Instance);
        if (SameValue(PropertyValue.From(program.Config), PropertyValue.From(earlierProgram.Config)))
        {
            var before = new Dictionary<string, ResourceDeclaration>(earlierProgram.Resources.Count, StringComparer.Ordinal);
            foreach (var resource in earlierProgram.Resources) before.TryAdd(resource.Name, resource);
            var now = new Dictionary<string, ResourceDeclaration>(program.Resources.Count, StringComparer.Ordinal);
            foreach (var resource in program.Resources) now.TryAdd(resource.Name, resource);
            foreach (var plan in earlier.Workloads)
            {
                var name = plan.Workload.Name;
                if (before.TryGetValue(name, out var was) && now.TryGetValue(name, out var current) && was.Token == current.Token &&
                    SameValue(PropertyValue.From(was.Properties), PropertyValue.From(current.Properties)))
                {
                    reusable[name] = plan;
                    if (earlier.Warnings.Count == 0) read[current] = plan.Workload;
                }
            }
        }
        return PlanAll(program, kinds, r => read.GetValueOrDefault(r), w => reusable.GetValueOrDefault(w.Name));
    }

    /// <summary>Two declared values written exactly alike: same entries in the same order, same number bits (so -0 is
    /// not 0), secrets and unknowns where the other has them. Stricter than value equality, which ignores map order.</summary>
    private static bool SameValue(PropertyValue a, PropertyValue b)
    {
        // Plain loops: a diff asks this of every declaration of the program.
        switch (a, b)
        {
            case (ObjectValue x, ObjectValue y):
                if (x.Map.Count != y.Map.Count) return false;
                var other = y.Map.GetEnumerator();
                foreach (var (key, value) in x.Map)
                {
                    other.MoveNext();
                    if (!string.Equals(key, other.Current.Key, StringComparison.Ordinal) || !SameValue(value, other.Current.Value)) return false;
                }
                return true;
            case (ArrayValue x, ArrayValue y):
                return SameValues(x.Items, y.Items);
            case (InterpolationValue x, InterpolationValue y):
                return SameValues(x.Parts, y.Parts);
            case (SecretValue x, SecretValue y):
                return SameValue(x.Value, y.Value);
            case (NumberValue x, NumberValue y):
                return BitConverter.DoubleToInt64Bits(x.Value) == BitConverter.DoubleToInt64Bits(y.Value);
            case (StringValue x, StringValue y):
                return string.Equals(x.Value, y.Value, StringComparison.Ordinal);
            case (BoolValue x, BoolValue y):
                return x.Value == y.Value;
            case (NullValue, NullValue):
                return true;
            case (UnknownValue x, UnknownValue y):
                // Made of the same things, or both of unknown making (each plans to an unknown a diff shows as changed).
                return Equals(x.Source, y.Source);
            case (ReferenceValue x, ReferenceValue y):
                return x == y;
            default:
                return false;
        }

        static bool SameValues(IReadOnlyList<PropertyValue> x, IReadOnlyList<PropertyValue> y)
        {
            if (x.Count != y.Count) return false;
            for (var i = 0; i < x.Count; i++)
                if (!SameValue(x[i], y[i])) return false;
            return true;
        }
    }

    /// <summary>Plans already-validated workloads.</summary>
    public static Result<Plan> Plan(ProviderConfig config, IReadOnlyList<Workload> workloads) => Plan(config, workloads, _ => null);

    /// <summary>Plans already-validated workloads, taking a workload's plan from <paramref name="reuse"/> where it has one.
    /// A workload's plan depends on it and the config alone (<see cref="ITarget.Plan"/>), so a large program is planned
    /// on every core (<see cref="InOrder"/>), in chunks of 32 workloads: the plan, its failures and the first exception
    /// (a bug) are the ones planning one by one gives.</summary>
    internal static Result<Plan> Plan(ProviderConfig config, IReadOnlyList<Workload> workloads, Func<Workload, WorkloadPlan?> reuse,
        int cores = 0)
    {
        var target = config.Target;
        var results = InOrder.Map(workloads,
            w => reuse(w) is { } earlier ? Result<WorkloadPlan>.Ok(earlier) : target.Plan(w, config), chunk: 32, cores);
        var failures = new List<ValidationFailure>();
        var plans = new List<WorkloadPlan>(workloads.Count);
        foreach (var plan in results)
        {
            failures.AddRange(plan.Failures);
            if (plan.Value is not null) plans.Add(plan.Value);
        }
        // Over the workloads that planned: what they break together, the others cannot mend.
        failures.AddRange(ProgramRules.Check(plans, config));
        return failures.Count > 0 ? Result<Plan>.Fail(failures)
            : Result<Plan>.Ok(new Plan(config, plans) { Warnings = [.. plans.SelectMany(p => p.Warnings)] });
    }
}

/// <summary>A program whose config and workloads all passed validation.</summary>
public sealed record ValidatedProgram(ProviderConfig Config, IReadOnlyList<Workload> Workloads)
{
    /// <summary>See <see cref="Result{T}.Warnings"/>.</summary>
    public IReadOnlyList<ValidationFailure> Warnings { get; init; } = [];
}

/// <summary>Capacity at maximum scale, the target-independent part of every summary.</summary>
public static class Summaries
{
    public static PlanSummary AtMaximumScale(Workload workload) => new()
    {
        MaxWorkers = workload.MaxWorkers,
        MaxCpu = workload.MaxWorkers * workload.Resources.Cpu,
        MaxMemory = new Memory(workload.MaxWorkers * workload.Resources.Memory.Bytes),
        MaxGpus = workload.MaxWorkers * (workload.Resources.Gpu?.Count ?? 0),
    };
}
