namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Who the current unit of work acts for. It becomes the transaction-local settings
/// <c>app.user_id</c>, <c>app.org_id</c> and <c>app.system</c> that every RLS policy reads.
/// An empty context is legal and sees no tenant rows.
/// </summary>
public sealed class TenantContext
{
    public Guid? UserId { get; private set; }

    public Guid? OrgId { get; private set; }

    /// <summary>Background work acting for the platform, never for a request. Only a few tables' policies honour it.</summary>
    public bool IsSystem { get; private set; }

    internal event Func<Task>? Changed;

    /// <summary>The caller's access token's stamp and session, checked on first database use; null for users set by the server itself (signup, refresh).</summary>
    public AccessTokenSession? Token { get; private set; }

    public Task SetUserAsync(Guid userId, AccessTokenSession? token = null)
    {
        UserId = userId;
        Token = token;
        return RaiseChangedAsync();
    }

    public Task SetOrgAsync(Guid orgId)
    {
        OrgId = orgId;
        return RaiseChangedAsync();
    }

    /// <summary>Records an org id that SQL already applied (organizations.enter_org sets app.org_id itself).</summary>
    internal void RecordOrgApplied(Guid orgId) => OrgId = orgId;

    /// <summary>Explicit system context for background jobs (outbox dispatch, schedules).</summary>
    public Task UseSystemAsync()
    {
        IsSystem = true;
        return RaiseChangedAsync();
    }

    private Task RaiseChangedAsync() => Changed?.Invoke() ?? Task.CompletedTask;
}

/// <summary>What an access token claims about its session: the user's security stamp when issued and its refresh family.</summary>
public sealed record AccessTokenSession(int? SecurityStamp, Guid? SessionId);
