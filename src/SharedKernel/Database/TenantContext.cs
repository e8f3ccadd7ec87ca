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

    /// <summary>
    /// Background work acting for the platform, never for a request. Set only by <see cref="BackgroundWork"/>,
    /// and honoured by SQL only on an opsdash_jobs connection.
    /// </summary>
    public bool IsSystem { get; private set; }

    internal event Func<Task>? Changed;

    /// <summary>The caller's access token's stamp and session, checked on first database use; null for users set by the server itself (signup, refresh).</summary>
    public AccessTokenSession? Token { get; private set; }

    /// <summary>
    /// The API key the request presents (ADR 0021), not yet checked: the org group checks it when it enters the
    /// org, and only then is <see cref="ApiKeyId"/> set. No user acts in such a request.
    /// </summary>
    public Security.ApiKeyCredential? PresentedApiKey { get; private set; }

    /// <summary>The API key the request acts with, once the org group verified it; the actor of its audit rows.</summary>
    public Guid? ApiKeyId { get; private set; }

    /// <summary>The inbound hook an anonymous delivery acts for (ADR 0021), once its token was found; it writes as its org.</summary>
    public Guid? InboundHookId { get; private set; }

    internal void RecordInboundHookApplied(Guid hookId, Guid orgId)
    {
        InboundHookId = hookId;
        OrgId = orgId;
    }

    internal void PresentApiKey(Security.ApiKeyCredential credential)
    {
        if (UserId is not null || IsSystem)
        {
            throw new InvalidOperationException("A request acts either as a user or with an API key.");
        }

        PresentedApiKey = credential;
    }

    /// <summary>Records a verified key and the org SQL already applied (organizations.enter_api_key_request).</summary>
    internal void RecordApiKeyApplied(Guid keyId, Guid orgId)
    {
        ApiKeyId = keyId;
        OrgId = orgId;
    }

    public Task SetUserAsync(Guid userId, AccessTokenSession? token = null)
    {
        if (PresentedApiKey is not null)
        {
            throw new InvalidOperationException("A request acts either as a user or with an API key.");
        }

        UserId = userId;
        Token = token;
        return RaiseChangedAsync();
    }

    /// <summary>The kernel's alone (tests too): modules enter an org by slug (the org group) or their personal org (<see cref="DbSession.EnterPersonalOrgAsync"/>).</summary>
    internal Task SetOrgAsync(Guid orgId)
    {
        OrgId = orgId;
        return RaiseChangedAsync();
    }

    /// <summary>Records an org id that SQL already applied (organizations.enter_org sets app.org_id itself).</summary>
    internal void RecordOrgApplied(Guid orgId) => OrgId = orgId;

    /// <summary>
    /// Makes a fresh scope a job's: system context, optionally for one org. Internal (modules cannot call
    /// it) and only before the scope's first database access, so a request never becomes a job.
    /// </summary>
    internal void EnterJob(Guid? orgId)
    {
        if (UserId is not null || OrgId is not null || IsSystem || PresentedApiKey is not null)
        {
            throw new InvalidOperationException("A job starts from an empty context in a scope of its own.");
        }

        IsSystem = true;
        OrgId = orgId;
    }

    private Task RaiseChangedAsync() => Changed?.Invoke() ?? Task.CompletedTask;
}

/// <summary>What an access token claims about its session: the user's security stamp when issued and its refresh family.</summary>
public sealed record AccessTokenSession(int? SecurityStamp, Guid? SessionId);
