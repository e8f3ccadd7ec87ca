using OpsDash.Modules.Crm.Activities;
using OpsDash.Modules.Crm.Deals;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// getContact: the contact with what links to it today, its live company and its owner (name from
/// the member list), its live deals (newest first, up to 50) and its 10 most recent activities.
/// </summary>
internal static class GetContact
{
    public sealed record Company(Guid Id, string Name, string? Domain, string? Industry, string? Size);

    public sealed record Owner(Guid UserId, string Email, string? FullName);

    public const int MaxDeals = 50;

    public const int RecentActivities = 10;

    public sealed record Response(Contact Contact, Company? Company, Owner? Owner, DateTime? LastActivityAt, IReadOnlyList<Deal> Deals, IReadOnlyList<Activity> RecentActivity);

    private sealed record Row(
        Guid Id, string FirstName, string? LastName, string? Email, string? Phone, string? Title,
        Guid? CompanyId, string? CompanyName, Guid? OwnerUserId, string[] Tags, DateTime CreatedAt, DateTime UpdatedAt,
        string? CompanyDomain, string? CompanyIndustry, string? CompanySize, string? OwnerEmail, string? OwnerName, DateTime? LastActivityAt);

    private const string GetSql = """
        select c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.company_id, co.name as company_name,
               c.owner_user_id, c.tags, c.created_at, c.updated_at,
               co.domain as company_domain, co.industry as company_industry, co.size as company_size,
               m.email as owner_email, m.full_name as owner_name, c.last_activity_at
          from crm.contacts c
          left join crm.companies co on co.org_id = c.org_id and co.id = c.company_id and co.deleted_at is null
          left join members.get_org_members(@OrgId) m on m.user_id = c.owner_user_id
         where c.org_id = @OrgId and c.id = @Id and c.deleted_at is null
        """;

    private const string DealsSql = DealFields.Select + """
         where d.org_id = @OrgId and d.contact_id = @Id and d.deleted_at is null
         order by d.created_at desc, d.id desc
         limit @MaxDeals
        """;

    private const string ActivitySql = "select " + ActivityFields.Columns + """
          from crm.activities
         where org_id = @OrgId and contact_id = @Id
         order by occurred_at desc, id desc
         limit @RecentActivities
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/contacts/{contactId:guid}", HandleAsync)
            .WithName("GetContact")
            .WithSummary("A contact with its company, owner, deals and recent activity.");

    private static async Task<Ok<Response>> HandleAsync(Guid contactId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = contactId, MaxDeals, RecentActivities };
        var r = await db.QuerySingleOrDefaultAsync<Row>(GetSql, args, ct)
            ?? throw new NotFoundException("Contact not found.");
        var contact = new Contact(r.Id, r.FirstName, r.LastName, r.Email, r.Phone, r.Title, r.CompanyId, r.CompanyName, r.OwnerUserId, r.Tags, r.CreatedAt, r.UpdatedAt);
        var company = r is { CompanyId: { } cid, CompanyName: { } name } ? new Company(cid, name, r.CompanyDomain, r.CompanyIndustry, r.CompanySize) : null;
        var owner = r is { OwnerUserId: { } uid, OwnerEmail: { } email } ? new Owner(uid, email, r.OwnerName) : null;
        var deals = (await db.QueryAsync<DealFields.Row>(DealsSql, args, ct)).Select(d => d.Deal).ToList();
        var activity = (await db.QueryAsync<Activity>(ActivitySql, args, ct)).ToList();
        return TypedResults.Ok(new Response(contact, company, owner, r.LastActivityAt, deals, activity));
    }
}
