namespace OpsDash.Modules.Crm.Contracts;

/// <summary>
/// The CRM writes other modules may make (Automation's workflow steps): the API's own writes, with its
/// checks, plan limits, audit entries and events, in the caller's transaction and org context. A missing
/// or deleted record is a <c>NotFoundException</c>, a value the API would refuse a <c>ValidationFailedException</c>.
/// </summary>
public interface ICrmActions
{
    /// <summary>A deal in the first open stage (counts against <c>crm:deals</c>).</summary>
    Task<Guid> CreateDealAsync(NewDeal deal, CancellationToken ct = default);

    /// <summary>A note, call, email or meeting on a contact and/or a deal (it becomes their last activity).</summary>
    Task<Guid> LogActivityAsync(NewActivity activity, CancellationToken ct = default);

    /// <summary>Adds <paramref name="tag"/> to the contact's tags; false when it had it already (nothing changes).</summary>
    Task<bool> AddContactTagAsync(Guid contactId, string tag, CancellationToken ct = default);

    /// <summary>Sets one of <see cref="CrmFields.Contact"/>; false when it had that value already.</summary>
    Task<bool> UpdateContactFieldAsync(Guid contactId, string field, string value, CancellationToken ct = default);

    /// <summary>Sets one of <see cref="CrmFields.Deal"/>; false when it had that value already.</summary>
    Task<bool> UpdateDealFieldAsync(Guid dealId, string field, string value, CancellationToken ct = default);
}

public sealed record NewDeal(string Title, Guid? ContactId, Guid? CompanyId);

/// <summary><see cref="Kind"/> is note, call, email or meeting; at least one of the contact and the deal.</summary>
public sealed record NewActivity(string Kind, string? Subject, Guid? ContactId, Guid? DealId);

/// <summary>The fields <see cref="ICrmActions"/> can set one at a time, by their API (camelCase) names.</summary>
public static class CrmFields
{
    public static readonly IReadOnlyList<string> Contact = ["firstName", "lastName", "title", "phone"];

    public static readonly IReadOnlyList<string> Deal = ["title"];

    /// <summary>What <see cref="NewActivity.Kind"/> may be.</summary>
    public static readonly IReadOnlyList<string> ActivityKinds = ["note", "call", "email", "meeting"];
}
