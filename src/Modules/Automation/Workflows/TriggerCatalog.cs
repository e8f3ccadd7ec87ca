using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Automation.Workflows;

/// <summary>The type of a field a condition tests, and so which operators and values it takes.</summary>
internal enum FieldType
{
    Text,
    Number,
    Id,
    Flag,
    List,
}

/// <summary>
/// The trigger types and the fields of the event each one fires on (the events' contracts:
/// Crm.Contracts and Projects.Contracts), and the actions with the config each one needs. Conditions
/// and actions are checked against these when a workflow is saved, never first at run time.
/// </summary>
internal static class TriggerCatalog
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldType>> Triggers =
        new Dictionary<string, IReadOnlyDictionary<string, FieldType>>(StringComparer.Ordinal)
        {
            ["deal_stage_change"] = Fields(("fromStageId", FieldType.Id), ("toStageId", FieldType.Id), ("title", FieldType.Text), ("amount", FieldType.Number), ("currency", FieldType.Text)),
            ["lead_converted"] = Fields(("dealTitle", FieldType.Text), ("amount", FieldType.Number), ("currency", FieldType.Text), ("contactCreated", FieldType.Flag)),
            ["contact_created"] = Fields(("firstName", FieldType.Text), ("lastName", FieldType.Text), ("email", FieldType.Text), ("companyId", FieldType.Id), ("tags", FieldType.List)),
            ["task_status_change"] = Fields(("fromStatus", FieldType.Text), ("toStatus", FieldType.Text), ("title", FieldType.Text), ("projectId", FieldType.Id), ("assigneeUserId", FieldType.Id)),
            ["task_assigned"] = Fields(("assigneeUserId", FieldType.Id), ("projectId", FieldType.Id), ("title", FieldType.Text)),
            ["no_activity_days"] = Fields(("days", FieldType.Number), ("amount", FieldType.Number)),
            ["task_overdue"] = Fields(("daysOverdue", FieldType.Number), ("priority", FieldType.Text), ("title", FieldType.Text), ("projectId", FieldType.Id)),
            [WebhookReceived] = Fields(),
        };

    /// <summary>
    /// An inbound hook's event (Automation.Contracts.WebhookReceived): its fields are whatever top-level fields the
    /// sender's JSON has, so a rule names any field and the type of its value says how it compares (OpenFieldType).
    /// </summary>
    public const string WebhookReceived = "webhook_received";

    public static bool HasOpenFields(string triggerType) => triggerType == WebhookReceived;

    /// <summary>How a rule of an open-field trigger compares: by the type of the value it gives.</summary>
    public static FieldType OpenFieldType(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Number => FieldType.Number,
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => FieldType.Flag,
        _ => FieldType.Text,
    };

    /// <summary>What each trigger type's event is about: the record a run's actions act on (add_tag, log_activity, update_field).</summary>
    public static readonly IReadOnlyDictionary<string, string> Subjects = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["deal_stage_change"] = Subject.Deal,
        ["lead_converted"] = Subject.Deal,
        ["contact_created"] = Subject.Contact,
        ["task_status_change"] = Subject.Task,
        ["task_assigned"] = Subject.Task,
        ["no_activity_days"] = Subject.Deal,
        ["task_overdue"] = Subject.Task,
        [WebhookReceived] = Subject.Webhook,
    };

    /// <summary>Trigger types the schedule evaluates (WorkflowTimeTriggers) rather than an event.</summary>
    public static readonly IReadOnlyList<string> TimeBased = ["no_activity_days", "task_overdue"];

    /// <summary>A delay step waits at most 30 days.</summary>
    public const int MaxDelayMinutes = 43_200;

    /// <summary>The fields update_field may set on a subject of <paramref name="subject"/>'s type, by the owning module's contract.</summary>
    public static IReadOnlyList<string> UpdatableFields(string subject) => subject switch
    {
        Subject.Contact => CrmFields.Contact,
        Subject.Deal => CrmFields.Deal,
        _ => ProjectsFields.Task,
    };

    public static readonly IReadOnlyDictionary<FieldType, string[]> Operators = new Dictionary<FieldType, string[]>
    {
        [FieldType.Text] = ["equals", "not_equals", "contains", "starts_with"],
        [FieldType.Number] = ["equals", "not_equals", "gt", "gte", "lt", "lte"],
        [FieldType.Id] = ["equals", "not_equals"],
        [FieldType.Flag] = ["equals"],
        [FieldType.List] = ["contains", "not_contains"],
    };

    /// <summary>Each action's required config keys and their types; other keys are refused.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, FieldType>> Actions =
        new Dictionary<string, IReadOnlyDictionary<string, FieldType>>(StringComparer.Ordinal)
        {
            ["create_task"] = Fields(("projectId", FieldType.Id), ("title", FieldType.Text)),
            ["notify_user"] = Fields(("userId", FieldType.Id), ("title", FieldType.Text)),
            ["send_email"] = Fields(("userId", FieldType.Id), ("subject", FieldType.Text)),
            ["update_field"] = Fields(("field", FieldType.Text), ("value", FieldType.Text)),
            ["create_project"] = Fields(("name", FieldType.Text)),
            ["create_deal"] = Fields(("title", FieldType.Text)),
            ["add_tag"] = Fields(("tag", FieldType.Text)),
            ["log_activity"] = Fields(("kind", FieldType.Text), ("subject", FieldType.Text)),
            ["delay"] = Fields(("minutes", FieldType.Number)),
            ["send_webhook"] = Fields(("url", FieldType.Text)),
        };

    private static Dictionary<string, FieldType> Fields(params (string Name, FieldType Type)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal);
}

/// <summary>The kinds of record an event is about.</summary>
internal static class Subject
{
    public const string Contact = "contact";
    public const string Deal = "deal";
    public const string Task = "task";

    /// <summary>An inbound hook's event: about no record of the org, so actions that act on the subject are refused.</summary>
    public const string Webhook = "webhook";
}
