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

    // Serialises creates of one feature in one org until commit, so two requests cannot both take the last slot.
    private const string LockSql = "select pg_advisory_xact_lock(hashtextextended(@key, 0))";

    public async Task<FeatureStatus> GetAsync(string featureKey, CancellationToken ct = default) =>
        await db.QuerySingleOrDefaultAsync<FeatureStatus>(AccessSql, new { featureKey }, ct)
        ?? throw new NotFoundException("Organization not found.");

    /// <summary>Throws <see cref="FeatureUnavailableException"/> unless the plan, the org's flag and the caller's role allow the feature.</summary>
    public async Task<FeatureStatus> RequireAsync(string featureKey, CancellationToken ct = default)
    {
        var status = await GetAsync(featureKey, ct);
        if (!status.PlanEnabled)
        {
            throw new FeatureUnavailableException(featureKey, $"'{featureKey}' is not included in the {status.PlanKey} plan.");
        }

        if (!status.FlagEnabled || (status.AllowedRoles is { Length: > 0 } roles && !roles.Contains(status.MemberRole)))
        {
            throw new FeatureUnavailableException(featureKey, $"'{featureKey}' is turned off for your role in this organization.");
        }

        return status;
    }

    /// <summary>
    /// Takes a transaction-scoped lock for (org, feature), counts with <paramref name="countCurrent"/>
    /// and throws <see cref="LimitReachedException"/> when adding <paramref name="adding"/> would pass the plan's cap.
    /// Call it in the same transaction as the insert it guards.
    /// </summary>
    public async Task CheckUsageLimitAsync(string featureKey, Func<Task<long>> countCurrent, long adding = 1, CancellationToken ct = default)
    {
        var status = await RequireAsync(featureKey, ct);
        var orgId = tenant.OrgId ?? throw new InvalidOperationException("Usage limits need an org context.");
        await db.ExecuteAsync(LockSql, new { key = $"limit:{orgId}:{featureKey}" }, ct);
        if (status.LimitValue is { } limit && await countCurrent() + adding > limit)
        {
            throw new LimitReachedException(featureKey, limit);
        }
    }

    /// <summary>Endpoint filter form of <see cref="RequireAsync"/>.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Filter(string featureKey) =>
        async (context, next) =>
        {
            await context.HttpContext.RequestServices.GetRequiredService<FeatureAccess>().RequireAsync(featureKey, context.HttpContext.RequestAborted);
            return await next(context);
        };
}

public sealed record FeatureStatus(string PlanKey, bool PlanEnabled, long? LimitValue, bool FlagEnabled, string[]? AllowedRoles, string MemberRole);

public static class FeatureFilters
{
    public static TBuilder RequireFeature<TBuilder>(this TBuilder builder, string featureKey)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(FeatureAccess.Filter(featureKey))
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable);
}
