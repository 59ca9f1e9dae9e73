using Multinode.Infra.Configuration;
using Multinode.Infra.Validation;
using Multinode.Infra.Values;
using Multinode.Infra.Workloads;

namespace Multinode.Infra.Planning;

/// <summary>Validates a program and plans every workload with the configured target: the one entry point
/// the CLI and the provider share.</summary>
public static class Planner
{
    /// <summary>Reads every workload and the config, reporting all failures together. Tokens name kinds of
    /// <paramref name="kinds"/> (by default <see cref="KindRegistry.Default"/>).</summary>
    public static Result<ValidatedProgram> Validate(ProgramDeclaration program, KindRegistry? kinds = null)
    {
        kinds ??= KindRegistry.Default;
        var failures = new List<ValidationFailure>();
        var config = ProviderConfigReader.Read(program.Config);
        failures.AddRange(config.Failures);
        var workloads = new List<Workload>();
        var warnings = new List<ValidationFailure>();
        foreach (var resource in program.Resources)
        {
            if (kinds.FromToken(resource.Token) is not { } kind)
            {
                var known = kinds.Tokens.ToList();
                var suggestion = InputReader.Suggest(resource.Token, known);
                failures.Add(new ValidationFailure($"resource \"{resource.Name}\"", "type",
                    $"type = {PropertyValue.QuoteShort(resource.Token)} is not a Multinode resource; " +
                    (suggestion is null ? $"use one of {string.Join(", ", known)}" : $"did you mean {suggestion}?")));
                continue;
            }
            var workload = WorkloadReader.Read(kind, resource.Name, resource.Properties);
            failures.AddRange(workload.Failures);
            warnings.AddRange(workload.Warnings);
            if (workload.Value is not null) workloads.Add(workload.Value);
        }
        if (config.Value is { } c) failures.AddRange(c.Target.Check(workloads, c));
        return failures.Count > 0 || config.Value is null
            ? Result<ValidatedProgram>.Fail(failures)
            : Result<ValidatedProgram>.Ok(new ValidatedProgram(config.Value, workloads) { Warnings = warnings });
    }

    /// <summary>Validates, then plans every workload in declaration order.</summary>
    public static Result<Plan> Plan(ProgramDeclaration program, KindRegistry? kinds = null) =>
        Validate(program, kinds).Then(valid =>
        {
            var plan = Plan(valid.Config, valid.Workloads);
            return plan.IsValid ? Result<Plan>.Ok(plan.Value! with { Warnings = [.. valid.Warnings, .. plan.Value!.Warnings] }) : plan;
        });

    /// <summary>Plans already-validated workloads.</summary>
    public static Result<Plan> Plan(ProviderConfig config, IReadOnlyList<Workload> workloads)
    {
        var target = config.Target;
        var failures = new List<ValidationFailure>();
        var plans = new List<WorkloadPlan>();
        foreach (var workload in workloads)
        {
            var plan = target.Plan(workload, config);
            failures.AddRange(plan.Failures);
            if (plan.Value is not null) plans.Add(plan.Value);
        }
        if (failures.Count == 0) failures.AddRange(CheckProgram(plans, config));
        return failures.Count > 0 ? Result<Plan>.Fail(failures) : Result<Plan>.Ok(new Plan(config, plans));
    }

    /// <summary>Rules over the whole program, which no single workload can break alone: quotas and budget, and
    /// unique child URNs. The provider, which constructs components one by one, checks each against the ones
    /// constructed before it with this same method.</summary>
    public static IReadOnlyList<ValidationFailure> CheckProgram(IReadOnlyList<WorkloadPlan> plans, ProviderConfig config) =>
        [.. ChildNames.Collisions(plans), .. Budget.Check(plans, config)];
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
