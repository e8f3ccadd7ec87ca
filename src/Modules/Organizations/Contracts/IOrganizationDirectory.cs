namespace OpsDash.Modules.Organizations.Contracts;

/// <summary>
/// What other modules may read from Organizations. Runs in the caller's transaction and under its
/// row-level security, so it answers only what the current context may see. An org's plan and
/// features are <c>FeatureAccess</c> in SharedKernel, not here.
/// </summary>
public interface IOrganizationDirectory
{
    /// <summary>A live organization the context belongs to (or an org job for it acts in); null otherwise.</summary>
    Task<OrganizationSummary?> FindAsync(Guid orgId, CancellationToken ct = default);

    /// <summary>The calling user's name as others see it: the full name, else the email.</summary>
    Task<string?> CallerDisplayNameAsync(CancellationToken ct = default);
}

public sealed record OrganizationSummary(Guid Id, string Slug, string Name, string Type, Guid BillingOwnerUserId)
{
    public bool IsPersonal => Type == "personal";
}
