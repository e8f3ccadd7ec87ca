using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Automation.Workflows;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Automation.Runs;

/// <summary>
/// The record a run is about (<see cref="Type"/> is contact, deal or task); <see cref="ContactId"/> and
/// <see cref="ProjectId"/> when the event says them (a deal's contact is otherwise looked up when a step needs it).
/// </summary>
public sealed record RunSubject(string Type, Guid Id, Guid? ContactId = null, Guid? ProjectId = null);

/// <summary>A run's input: the event's fields (what conditions test and placeholders fill) and its subject.</summary>
public sealed record RunInput(IReadOnlyDictionary<string, JsonElement> Fields, RunSubject Subject)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunInput FromJson(string json) => JsonSerializer.Deserialize<RunInput>(json, Json)!;

    /// <summary>The fields of an anonymous object, camelCase, as the trigger catalog names them.</summary>
    public static IReadOnlyDictionary<string, JsonElement> FieldsOf(object fields) =>
        JsonSerializer.SerializeToElement(fields, Json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
}

/// <summary>Each triggering event as a run's input: the fields TriggerCatalog names for its trigger type.</summary>
internal static class RunInputs
{
    public static RunInput Of(DealStageChanged e) => new(
        RunInput.FieldsOf(new { fromStageId = e.FromStage.Id, toStageId = e.ToStage.Id, e.Title, e.Amount, e.Currency }),
        new RunSubject(Subject.Deal, e.DealId));

    public static RunInput Of(LeadConverted e) => new(
        RunInput.FieldsOf(new { e.DealTitle, e.Amount, e.Currency, e.ContactCreated }),
        new RunSubject(Subject.Deal, e.DealId, ContactId: e.ContactId));

    public static RunInput Of(ContactCreated e) => new(
        RunInput.FieldsOf(new { e.Contact.FirstName, e.Contact.LastName, e.Contact.Email, e.Contact.CompanyId, e.Contact.Tags }),
        new RunSubject(Subject.Contact, e.ContactId, ContactId: e.ContactId));

    public static RunInput Of(TaskStatusChanged e) => new(
        RunInput.FieldsOf(new { e.FromStatus, e.ToStatus, e.Title, e.ProjectId, e.AssigneeUserId }),
        new RunSubject(Subject.Task, e.TaskId, ProjectId: e.ProjectId));

    public static RunInput Of(TaskAssigned e) => new(
        RunInput.FieldsOf(new { e.AssigneeUserId, e.ProjectId, e.Title }),
        new RunSubject(Subject.Task, e.TaskId, ProjectId: e.ProjectId));

    // The sender's top-level fields as they came (an event that is not a JSON object has none).
    public static RunInput Of(WebhookReceived e) => new(
        e.Payload.ValueKind == JsonValueKind.Object
            ? e.Payload.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value.Clone(), StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(StringComparer.Ordinal),
        new RunSubject(Subject.Webhook, e.HookId));

    public static RunInput Of(QuietDeal d) => new(
        RunInput.FieldsOf(new { days = d.DaysQuiet, d.Amount }),
        new RunSubject(Subject.Deal, d.Id, ContactId: d.ContactId));

    public static RunInput Of(TaskDue t, DateOnly today) => new(
        RunInput.FieldsOf(new { daysOverdue = today.DayNumber - t.DueDate.DayNumber, t.Priority, t.Title, t.ProjectId }),
        new RunSubject(Subject.Task, t.TaskId, ProjectId: t.ProjectId));

    /// <summary>A time-based run's event id: a function of the trigger, the subject and when it fired for it.</summary>
    public static Guid TimeFireEventId(Guid triggerId, Guid subjectId, DateTime firedAt) =>
        StableId(string.Create(CultureInfo.InvariantCulture, $"{triggerId:N}/{subjectId:N}/{firedAt.Ticks}"));

    /// <summary>A Guid that is a function of <paramref name="key"/> (a resent email's Message-ID, a daily event's id).</summary>
    public static Guid StableId(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
