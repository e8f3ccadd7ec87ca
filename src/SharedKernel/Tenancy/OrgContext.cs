namespace OpsDash.SharedKernel.Tenancy;

/// <summary>The organization the request acts in, resolved from the URL slug by <see cref="OrgScopeFilter"/>.</summary>
public sealed class OrgContext
{
    private OrgInfo? _org;

    public OrgInfo Current => _org ?? throw new InvalidOperationException("No organization resolved for this request; map the endpoint under MapOrgGroup().");

    public bool IsResolved => _org is not null;

    public Guid Id => Current.Id;

    public string Role => Current.Role;

    internal void Set(OrgInfo org) => _org = org;
}

public sealed record OrgInfo(Guid Id, string Slug, string Name, string Type, Guid BillingOwnerUserId, string Role)
{
    public bool IsPersonal => Type == "personal";
}
