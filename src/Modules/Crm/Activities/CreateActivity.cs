namespace OpsDash.Modules.Crm.Activities;

/// <summary>
/// createActivity: on a live contact and/or deal of the org; 0042's trigger moves their
/// last_activity_at forward in the same statement (and refuses a time in the future).
/// </summary>
internal static class CreateActivity
{
    public const int MaxBody = 5000;

    public sealed record Request(string Kind, string? Subject, string? Body, Guid? ContactId, Guid? DealId, DateTimeOffset? OccurredAt);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Kind).NotEmpty().Must(k => k is null || ActivityFields.Kinds.Contains(k))
                .WithMessage($"Kind must be one of {string.Join(", ", ActivityFields.Kinds)}.");
            RuleFor(r => r.Subject).MaximumLength(200);
            RuleFor(r => r.Body).MaximumLength(MaxBody);
            RuleFor(r => r.DealId).Must((r, deal) => deal is not null || r.ContactId is not null)
                .WithMessage("An activity is on a contact, a deal, or both: give contactId and/or dealId.");
        }
    }

    private const string InsertSql = """
        insert into crm.activities (org_id, id, kind, subject, body, contact_id, deal_id, occurred_at, created_by_user_id)
        values (@OrgId, @Id, @Kind, @Subject, @Body, @ContactId, @DealId, coalesce(@OccurredAt::timestamptz, now()), @UserId)
        returning
        """ + " " + ActivityFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/activities", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("CreateActivity")
            .WithSummary("Log a note, call, email or meeting on a contact and/or a deal (it becomes their last activity).");

    private static async Task<Created<Activity>> HandleAsync(Request request, OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var activity = await CreateAsync(org.Id, request, tenant.UserId, db, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/activities/{activity.Id}", activity);
    }

    /// <summary>The write itself, shared with <see cref="CrmActions"/>; <paramref name="request"/> is valid.</summary>
    internal static Task<Activity> CreateAsync(Guid orgId, Request request, Guid? userId, DbSession db, CancellationToken ct) =>
        db.QuerySingleAsync<Activity>(
            InsertSql,
            new
            {
                OrgId = orgId,
                Id = Guid.CreateVersion7(),
                request.Kind,
                Subject = string.IsNullOrWhiteSpace(request.Subject) ? null : request.Subject.Trim(),
                Body = string.IsNullOrWhiteSpace(request.Body) ? null : request.Body,
                request.ContactId,
                request.DealId,
                OccurredAt = request.OccurredAt?.UtcDateTime,
                UserId = userId,
            },
            ct);
}
