using OpsDash.Modules.Crm.Activities;
using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Crm.Deals;

namespace OpsDash.Modules.Crm;

/// <summary>
/// The <see cref="ICrmActions"/> other modules call: each one builds the request the API would take, checks it
/// with the endpoint's validator and runs the endpoint's own write, so limits, audit entries and events are the same.
/// </summary>
internal sealed class CrmActions(
    DbSession db, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox,
    IValidator<CreateDeal.Request> newDeal, IValidator<CreateActivity.Request> newActivity,
    IValidator<UpdateContact.Request> contactChange, IValidator<UpdateDeal.Request> dealChange) : ICrmActions
{
    private Guid OrgId => tenant.OrgId ?? throw new InvalidOperationException("CRM actions run in an org's context.");

    public async Task<Guid> CreateDealAsync(NewDeal deal, CancellationToken ct = default)
    {
        var request = newDeal.Check(new CreateDeal.Request(deal.Title, null, deal.ContactId, deal.CompanyId, null, null, null, null));
        return (await CreateDeal.CreateAsync(OrgId, request, tenant.UserId, features, audit, outbox, db, ct)).Id;
    }

    public async Task<Guid> LogActivityAsync(NewActivity activity, CancellationToken ct = default)
    {
        var request = newActivity.Check(new CreateActivity.Request(activity.Kind, activity.Subject, null, activity.ContactId, activity.DealId, null));
        return (await CreateActivity.CreateAsync(OrgId, request, tenant.UserId, db, ct)).Id;
    }

    public Task<bool> AddContactTagAsync(Guid contactId, string tag, CancellationToken ct = default) =>
        ChangeContactAsync(contactId, c => UpdateContact.From(c) with { Tags = [.. c.Tags, tag] }, ct);

    public Task<bool> UpdateContactFieldAsync(Guid contactId, string field, string value, CancellationToken ct = default) =>
        ChangeContactAsync(
            contactId,
            c => field switch
            {
                "firstName" => UpdateContact.From(c) with { FirstName = value },
                "lastName" => UpdateContact.From(c) with { LastName = value },
                "title" => UpdateContact.From(c) with { Title = value },
                "phone" => UpdateContact.From(c) with { Phone = value },
                _ => throw new ValidationFailedException("field", $"A contact's field is one of {string.Join(", ", CrmFields.Contact)}."),
            },
            ct);

    public async Task<bool> UpdateDealFieldAsync(Guid dealId, string field, string value, CancellationToken ct = default)
    {
        var deal = await UpdateDeal.LockAsync(OrgId, dealId, db, ct) ?? throw new NotFoundException("Deal not found.");
        var request = dealChange.Check(field switch
        {
            "title" => UpdateDeal.From(deal) with { Title = value },
            _ => throw new ValidationFailedException("field", $"A deal's field is one of {string.Join(", ", CrmFields.Deal)}."),
        });
        if (request == UpdateDeal.From(deal))
        {
            return false;
        }

        await UpdateDeal.UpdateAsync(OrgId, dealId, request, audit, db, ct);
        return true;
    }

    private async Task<bool> ChangeContactAsync(Guid contactId, Func<Contact, UpdateContact.Request> change, CancellationToken ct)
    {
        var (_, changed) = await UpdateContact.ApplyAsync(OrgId, contactId, c => contactChange.Check(change(c)), tenant.UserId, audit, outbox, db, ct);
        return changed.Count > 0;
    }
}
