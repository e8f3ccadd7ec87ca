using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// Endpoint metadata: the route accepts API keys (ADR 0021) with a scope of <see cref="Module"/>, declared on
/// a module's org group with <see cref="ApiKeyRoutes.AcceptApiKeys"/>. A GET (or HEAD) needs
/// <c>&lt;module&gt;:read</c> or <c>&lt;module&gt;:write</c>; any other method <c>&lt;module&gt;:write</c>.
/// A route without it refuses keys with 401 (account, member, org and key-management routes).
/// </summary>
public sealed record ApiKeyAccess(string Module)
{
    /// <summary>Every scope a key may hold.</summary>
    public static readonly IReadOnlyList<string> Scopes =
        ["crm:read", "crm:write", "projects:read", "projects:write", "automation:read", "automation:write"];

    public static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    /// <summary>The scope a request with <paramref name="method"/> needs on this route.</summary>
    public string ScopeFor(string method) => Module + (IsRead(method) ? ":read" : ":write");

    public bool Allows(IReadOnlyCollection<string> scopes, string method) =>
        scopes.Contains(Module + ":write") || (IsRead(method) && scopes.Contains(Module + ":read"));
}

public static class ApiKeyRoutes
{
    /// <summary>The group's routes accept API keys holding a scope of <paramref name="module"/> (crm, projects, automation).</summary>
    public static RouteGroupBuilder AcceptApiKeys(this RouteGroupBuilder group, string module)
    {
        if (!ApiKeyAccess.Scopes.Contains(module + ":read"))
        {
            throw new ArgumentOutOfRangeException(nameof(module), module, "No API key scope for this module.");
        }

        return group.WithMetadata(new ApiKeyAccess(module))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden);
    }
}
