namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The organization the request acts in, resolved from the URL slug by <see cref="OrgScopeFilter"/>. When the entry
/// rides with the request's first statement (ADR 0025), only <see cref="Id"/> is known before that statement; the
/// rest (role, name, type, billing owner) after it, or after <see cref="EnterAsync"/>.
/// </summary>
public sealed class OrgContext
{
    private OrgInfo? _org;
    private Guid? _pendingId;
    private Func<CancellationToken, Task>? _enter;

    public OrgInfo Current => _org ?? throw new InvalidOperationException(_pendingId is null
        ? "No organization resolved for this request; map the endpoint under MapOrgGroup()."
        : "The org entry rides with this request's first statement: read the org after it, or await EnterAsync() first.");

    public bool IsResolved => _org is not null;

    public Guid Id => _org?.Id ?? _pendingId ?? Current.Id;

    public string Role => Current.Role;

    /// <summary>The org, entering it now in a round trip of its own when its entry still waits for the first statement.</summary>
    public async Task<OrgInfo> EnterAsync(CancellationToken ct)
    {
        if (_org is null && _enter is not null)
        {
            await _enter(ct);
        }

        return Current;
    }

    internal bool IsPending => _org is null && _pendingId is not null;

    internal void Set(OrgInfo org)
    {
        _org = org;
        _pendingId = null;
        _enter = null;
    }

    internal void Defer(Guid orgId, Func<CancellationToken, Task> enter)
    {
        _pendingId = orgId;
        _enter = enter;
    }

    internal void Clear()
    {
        _org = null;
        _pendingId = null;
        _enter = null;
    }
}

public sealed record OrgInfo(Guid Id, string Slug, string Name, string Type, Guid BillingOwnerUserId, string Role)
{
    public bool IsPersonal => Type == "personal";
}
