using System.Text.Json;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>One condition: the event's <c>Field</c> compared by <c>Operator</c> with <c>Value</c> (a JSON value of the field's type).</summary>
public sealed record ConditionRule(string Field, string Operator, [property: AnyJsonValue] JsonElement Value);

/// <summary>All rules must hold (<c>match</c> "all", the default) or any one of them ("any"); no rules always match.</summary>
public sealed record Conditions(string? Match, IReadOnlyList<ConditionRule>? Rules);

/// <summary>An action in its place: its type and its config (the keys TriggerCatalog.Actions names for it).</summary>
public sealed record WorkflowAction(string Type, IReadOnlyDictionary<string, JsonElement> Config);

/// <summary>A workflow: a trigger with its conditions and its actions in order.</summary>
public sealed record Workflow(
    Guid Id, string Name, string TriggerType, bool Enabled, Conditions Conditions, IReadOnlyList<WorkflowAction> Actions,
    Guid? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>What create and update take.</summary>
public sealed record WorkflowRequest(string Name, string TriggerType, bool? Enabled, Conditions? Conditions, IReadOnlyList<WorkflowAction>? Actions);

internal static class WorkflowStore
{
    public const int MaxActions = 20;

    public const int MaxRules = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record TriggerRow(Guid Id, string Name, string TriggerType, bool Enabled, string Conditions, Guid? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

    private sealed record ActionRow(Guid TriggerId, short Position, string ActionType, string Config);

    public const string TriggerColumns = "t.id, t.name, t.trigger_type, t.enabled, t.conditions::text as conditions, t.created_by, t.created_at, t.updated_at";

    private const string ActionsSql = """
        select trigger_id, position, action_type, config::text as config
          from automation.workflow_actions
         where org_id = @OrgId and trigger_id = any (@Ids)
         order by trigger_id, position
        """;

    private const string InsertActionsSql = """
        insert into automation.workflow_actions (org_id, trigger_id, position, action_type, config)
        select @OrgId, @TriggerId, (a.ord - 1)::smallint, a.action_type, a.config::jsonb
          from unnest(@Types::text[], @Configs::text[]) with ordinality as a (action_type, config, ord)
        """;

    private const string DeleteActionsSql = "delete from automation.workflow_actions where org_id = @OrgId and trigger_id = @TriggerId";

    private sealed record StoredUrl(string Url, string Sealed);

    private const string StoredUrlsSql = """
        select config ->> 'url' as url, config ->> 'urlSealed' as sealed
          from automation.workflow_actions
         where org_id = @OrgId and trigger_id = @TriggerId and action_type = 'send_webhook' and config ? 'urlSealed'
        """;

    public static Conditions ParseConditions(string json) => JsonSerializer.Deserialize<Conditions>(json, Json)!;

    public static string ConditionsJson(Conditions? conditions) =>
        JsonSerializer.Serialize(new Conditions(conditions?.Match ?? "all", conditions?.Rules ?? []), Json);

    public static async Task ReplaceActionsAsync(DbSession db, WebhookUrls urls, Guid orgId, Guid triggerId, IReadOnlyList<WorkflowAction> actions, CancellationToken ct)
    {
        if (actions.Any(a => a.Type == WebhookUrls.ActionType))
        {
            var stored = (await db.QueryAsync<StoredUrl>(StoredUrlsSql, new { OrgId = orgId, TriggerId = triggerId }, ct))
                .DistinctBy(u => u.Url).ToDictionary(u => u.Url, u => u.Sealed, StringComparer.Ordinal);
            actions = [.. actions.Select((a, i) => a.Type == WebhookUrls.ActionType ? a with { Config = urls.ToStore(a.Config!, stored, i) } : a)];
        }

        await db.ExecuteAsync(DeleteActionsSql, new { OrgId = orgId, TriggerId = triggerId }, ct);
        await db.ExecuteAsync(
            InsertActionsSql,
            new
            {
                OrgId = orgId,
                TriggerId = triggerId,
                Types = actions.Select(a => a.Type).ToArray(),
                Configs = actions.Select(a => JsonSerializer.Serialize(a.Config ?? new Dictionary<string, JsonElement>(), Json)).ToArray(),
            },
            ct);
    }

    /// <summary>The workflows of <paramref name="sql"/>'s trigger rows, with their actions in one more statement.</summary>
    public static async Task<List<Workflow>> ReadAsync(DbSession db, Guid orgId, string sql, object args, CancellationToken ct)
    {
        var triggers = (await db.QueryAsync<TriggerRow>(sql, args, ct)).ToList();
        if (triggers.Count == 0)
        {
            return [];
        }

        var actions = (await db.QueryAsync<ActionRow>(ActionsSql, new { OrgId = orgId, Ids = triggers.Select(t => t.Id).ToArray() }, ct))
            .ToLookup(a => a.TriggerId, a => new WorkflowAction(a.ActionType, WebhookUrls.Shown(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(a.Config, Json)!)));
        return [.. triggers.Select(t => new Workflow(
            t.Id, t.Name, t.TriggerType, t.Enabled, ParseConditions(t.Conditions), [.. actions[t.Id]],
            t.CreatedBy, t.CreatedAt, t.UpdatedAt))];
    }
}
