namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>The event types an endpoint may subscribe to, and the fields its changed-field filter may name.</summary>
internal static class WebhookEventTypes
{
    public const string Test = "webhook.test";

    public static readonly string[] All =
    [
        "lead.created", "lead.converted", "deal.stage_changed", "deal.won", "deal.lost",
        "contact.created", "contact.updated", "task.created", "task.status_changed", Test,
    ];

    /// <summary>What the filter can match: contact fields (contact.updated), <c>stage</c> (deal.stage_changed), <c>status</c> (task.status_changed).</summary>
    public static readonly string[] ChangedFields =
    [
        "firstName", "lastName", "email", "phone", "title", "companyId", "ownerUserId", "tags", "stage", "status",
    ];
}
