using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// Scheduled (system job): refresh tokens of sessions that ended (revoked, or no token left that can be
/// exchanged) more than <see cref="AccountSettings.EndedSessionDays"/> ago (auth.purge_refresh_tokens, db/scripts/0030).
/// </summary>
internal sealed record PurgeRefreshTokens : IJobArgs
{
    public const string ScheduleName = "purge_refresh_tokens";

    public static string Kind => "auth.purge_refresh_tokens";
}

internal sealed class PurgeRefreshTokensHandler(DbSession db, AccountSettings settings) : IJobHandler<PurgeRefreshTokens>
{
    private const string PurgeSql = "select auth.purge_refresh_tokens(make_interval(days => @Days))";

    public Task HandleAsync(PurgeRefreshTokens args, CancellationToken ct) =>
        db.ExecuteScalarAsync<int>(PurgeSql, new { Days = settings.EndedSessionDays }, ct);
}
