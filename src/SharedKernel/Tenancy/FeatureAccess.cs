using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The seed's <c>requireFeatureAccess(featureKey)</c> and <c>checkUsageLimit(feature, count)</c>.
/// Plans and limits live in SQL (organizations.plan_limits); a team org uses its billing owner's plan.
/// </summary>
public sealed class FeatureAccess(DbSession db, TenantContext tenant)
{
    private const string AccessSql = """
        select plan_key, plan_enabled, limit_value, flag_enabled, allowed_roles, member_role
          from organizations.feature_access(@featureKey)
        """;

    // Also serialises creates of one feature in one org until commit (when the plan caps it), so two
    // requests cannot both take the last slot; one round trip for both.
    private const string AccessLockedSql = """
        select plan_key, plan_enabled, limit_value, flag_enabled, allowed_roles, member_role
          from organizations.feature_access_for_write(@featureKey)
        """;

    public Task<FeatureStatus> GetAsync(string featureKey, CancellationToken ct = default) => LoadAsync(AccessSql, featureKey, ct);

    /// <summary>Throws <see cref="FeatureUnavailableException"/> unless the plan, the org's flag and the caller's role allow the feature.</summary>
    public async Task<FeatureStatus> RequireAsync(string featureKey, CancellationToken ct = default) =>
        Require(featureKey, await GetAsync(featureKey, ct));

    /// <summary>
    /// Takes a transaction-scoped lock for (org, feature) when the plan caps it, counts with <paramref name="countCurrent"/>
    /// and throws <see cref="LimitReachedException"/> when adding <paramref name="adding"/> would pass the plan's cap.
    /// Call it in the same transaction as the insert it guards.
    /// </summary>
    public async Task CheckUsageLimitAsync(string featureKey, Func<Task<long>> countCurrent, long adding = 1, CancellationToken ct = default) =>
        (await LockUsageAsync(featureKey, countCurrent, ct)).Check(adding);

    /// <summary>
    /// The lock and the count of <see cref="CheckUsageLimitAsync"/>, for a write that learns how many it adds as it
    /// goes (an import): check the running total with <see cref="UsageBudget.Check"/> before each part, and stop at the
    /// first refusal. Same transaction as the writes.
    /// </summary>
    public async Task<UsageBudget> LockUsageAsync(string featureKey, Func<Task<long>> countCurrent, CancellationToken ct = default)
    {
        _ = tenant.OrgId ?? throw new InvalidOperationException("Usage limits need an org context.");
        var status = Require(featureKey, await LoadAsync(AccessLockedSql, featureKey, ct));
        return new UsageBudget(featureKey, status.LimitValue, status.LimitValue is null ? 0 : await countCurrent());
    }

    private async Task<FeatureStatus> LoadAsync(string sql, string featureKey, CancellationToken ct) =>
        await db.QuerySingleOrDefaultAsync<FeatureStatus>(sql, new { featureKey }, ct)
        ?? throw new NotFoundException("Organization not found.");

    private static FeatureStatus Require(string featureKey, FeatureStatus status) =>
        status.DenialReason switch
        {
            null => status,
            FeatureStatus.NotInPlan => throw new FeatureUnavailableException(featureKey, $"'{featureKey}' is not included in the {status.PlanKey} plan."),
            _ => throw new FeatureUnavailableException(featureKey, $"'{featureKey}' is turned off for your role in this organization."),
        };

    /// <summary>Endpoint filter form of <see cref="RequireAsync"/>.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Filter(string featureKey) =>
        async (context, next) =>
        {
            await context.HttpContext.RequestServices.GetRequiredService<FeatureAccess>().RequireAsync(featureKey, context.HttpContext.RequestAborted);
            return await next(context);
        };
}

/// <summary>What the plan caps a feature at (null: no cap) and how much of it the org used when the lock was taken.</summary>
public sealed record UsageBudget(string FeatureKey, long? Limit, long Used)
{
    /// <summary>Throws <see cref="LimitReachedException"/> when adding <paramref name="adding"/> would pass the cap.</summary>
    public void Check(long adding)
    {
        if (Limit is { } limit && Used + adding > limit)
        {
            throw new LimitReachedException(FeatureKey, limit);
        }
    }
}

/// <summary>Plan and flag state of one feature in the current org. <c>MemberRole</c> is null in a background job.</summary>
public sealed record FeatureStatus(string PlanKey, bool PlanEnabled, long? LimitValue, bool FlagEnabled, string[]? AllowedRoles, string? MemberRole)
{
    public const string NotInPlan = "not_in_plan";
    public const string Disabled = "disabled";
    public const string RoleNotAllowed = "role_not_allowed";

    /// <summary>
    /// requireFeatureAccess's one decision: null when the plan, the org's switch and the caller's role allow the
    /// feature, else which gate said no. A job (no member role) acts for the org, so role restrictions do not apply to it.
    /// </summary>
    public string? DenialReason =>
        !PlanEnabled ? NotInPlan
        : !FlagEnabled ? Disabled
        : AllowedRoles is { Length: > 0 } roles && MemberRole is { } role && !roles.Contains(role) ? RoleNotAllowed
        : null;
}

public static class FeatureFilters
{
    public static TBuilder RequireFeature<TBuilder>(this TBuilder builder, string featureKey)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(FeatureAccess.Filter(featureKey))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable);
}
