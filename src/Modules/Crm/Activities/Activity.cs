namespace OpsDash.Modules.Crm.Activities;

/// <summary>A note, call, email or meeting on a contact and/or a deal.</summary>
public sealed record Activity(
    Guid Id, string Kind, string? Subject, string? Body, Guid? ContactId, Guid? DealId, DateTime OccurredAt, Guid? CreatedByUserId, DateTime CreatedAt);

internal static class ActivityFields
{
    public static readonly string[] Kinds = ["note", "call", "email", "meeting"];

    public const string Columns = "id, kind, subject, body, contact_id, deal_id, occurred_at, created_by_user_id, created_at";
}
