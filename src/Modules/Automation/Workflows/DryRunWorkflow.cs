using System.Text.Json;
using OpsDash.Modules.Automation.Runs;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>
/// Tests a workflow against a sample event without running it: which rules hold, whether it would fire, and
/// what each step would do (the values it would use, placeholders filled; a step that would be skipped says why).
/// It reads what it needs and writes nothing: no run, no job, no change in any module. Admins, like editing.
/// </summary>
internal static class DryRunWorkflow
{
    /// <summary><see cref="Fields"/>: the sample event's fields (the trigger type's); <see cref="SubjectId"/>: the contact, deal or task it is about, if any.</summary>
    public sealed record Request(IReadOnlyDictionary<string, JsonElement>? Fields, Guid? SubjectId);

    public sealed record DryRunStep(int Position, string ActionType, string Outcome, JsonElement Output, string? Note);

    public sealed record Response(bool Matched, IReadOnlyList<RuleResult> Rules, IReadOnlyList<DryRunStep> Steps);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Fields).Must(f => f is null || f.Count <= 50).WithMessage("At most 50 fields.");
    }

    private const string GetSql = "select " + WorkflowStore.TriggerColumns + " from automation.workflow_triggers t where t.org_id = @OrgId and t.id = @Id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/workflows/{workflowId:guid}/dry-run", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .WithName("DryRunWorkflow")
            .WithSummary("Evaluate a workflow against a sample event: the conditions' results and what each step would do, with no side effect (admins).");

    private static async Task<Ok<Response>> HandleAsync(
        Guid workflowId, Request request, OrgContext org, StepActions actions, DbSession db, CancellationToken ct)
    {
        var workflow = (await WorkflowStore.ReadAsync(db, org.Id, GetSql, new { OrgId = org.Id, Id = workflowId }, ct)).SingleOrDefault()
            ?? throw new NotFoundException("Workflow not found.");
        var fields = Checked(workflow.TriggerType, request.Fields ?? new Dictionary<string, JsonElement>());
        var input = new RunInput(fields, new RunSubject(TriggerCatalog.Subjects[workflow.TriggerType], request.SubjectId ?? Guid.Empty));
        var (matched, rules) = ConditionCheck.Evaluate(workflow.TriggerType, workflow.Conditions, fields);
        var steps = new List<DryRunStep>();
        for (var i = 0; i < workflow.Actions.Count; i++)
        {
            var action = workflow.Actions[i];
            var step = new StepContext(Guid.Empty, i, workflow.Name, action.Type, action.Config ?? new Dictionary<string, JsonElement>(), input);
            var outcome = await actions.RunAsync(step, dryRun: true, ct);
            steps.Add(new DryRunStep(i, action.Type, outcome.Status, JsonSerializer.SerializeToElement(outcome.Output, RunInput.Json), outcome.Note));
        }

        return TypedResults.Ok(new Response(matched, rules, steps));
    }

    // The sample is checked against the trigger type's event contract, as conditions are when saved.
    private static Dictionary<string, JsonElement> Checked(string triggerType, IReadOnlyDictionary<string, JsonElement> fields)
    {
        var types = TriggerCatalog.Triggers[triggerType];
        foreach (var (name, value) in TriggerCatalog.HasOpenFields(triggerType) ? new Dictionary<string, JsonElement>() : fields)
        {
            if (!types.TryGetValue(name, out var type))
            {
                throw new ValidationFailedException("fields", $"{triggerType} events have the fields {string.Join(", ", types.Keys)}.");
            }

            if (value.ValueKind != JsonValueKind.Null && !(type == FieldType.List ? value.ValueKind == JsonValueKind.Array : WorkflowValidator.Fits(value, type)))
            {
                throw new ValidationFailedException($"fields.{name}", $"{name} is a {WorkflowValidator.Describe(type)}.");
            }
        }

        return fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
    }
}
