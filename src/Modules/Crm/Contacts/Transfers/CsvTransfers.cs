using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OpsDash.Modules.Crm.Contacts.Transfers;

/// <summary>
/// Runs a contact import or export as a transfer of its org (ADR 0018). It takes one of the org's
/// <c>Crm:Transfers:MaxConcurrentPerOrg</c> places (429 when all are taken) and commits at once, so no
/// statement and no pooled connection waits on the client from then on: the work opens short transactions
/// of its own, and waits on the client (upload, download) only between them. The place is freed at the end;
/// its lease, renewed while the transfer goes on, frees it anyway when a Host dies mid-transfer.
/// </summary>
internal sealed class CsvTransfers(DbSession db, CsvTransferSettings settings, ILogger<CsvTransfers> logger)
{
    public const int RetryAfterSeconds = 10;

    private const string TakeSql = "select crm.take_transfer(@Kind, @Max, @LeaseSeconds)";
    private const string RenewSql = "select crm.renew_transfer(@Id, @LeaseSeconds)";
    private const string EndSql = "select crm.end_transfer(@Id)";

    public CsvTransferSettings Settings => settings;

    private int LeaseSeconds => (int)Math.Ceiling(settings.LeaseTime.TotalSeconds);

    /// <summary>
    /// Takes a place for <paramref name="kind"/> (<c>import</c> or <c>export</c>), runs <paramref name="work"/> and
    /// commits what it left open (rolls it back when it throws), then frees the place.
    /// </summary>
    public async Task<T> RunAsync<T>(string kind, Func<Transfer, Task<T>> work, CancellationToken ct)
    {
        var id = await db.QuerySingleAsync<Guid?>(TakeSql, new { Kind = kind, Max = settings.MaxConcurrentPerOrg, LeaseSeconds }, ct)
            ?? throw new TooManyTransfersException(settings.MaxConcurrentPerOrg);
        await db.CommitAsync(CancellationToken.None);
        try
        {
            var result = await work(new Transfer(this, id));
            await db.CommitAsync(CancellationToken.None);
            return result;
        }
        catch
        {
            await db.RollbackAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await EndAsync(id);
        }
    }

    private async Task RenewAsync(Guid id, CancellationToken ct)
    {
        if (db.IsOpen)
        {
            throw new InvalidOperationException("A transfer is kept alive between its transactions, never inside one (the renewal commits).");
        }

        await db.QuerySingleAsync<bool>(RenewSql, new { Id = id, LeaseSeconds }, ct);
        await db.CommitAsync(ct);
    }

    private async Task EndAsync(Guid id)
    {
        try
        {
            await db.QuerySingleAsync<bool>(EndSql, new { Id = id }, CancellationToken.None);
            await db.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or AppException or TimeoutException)
        {
            // The transfer's own outcome stands; its lease frees the place within LeaseTime.
            logger.LogWarning(e, "Transfer {TransferId} could not be ended; its lease will free its place", id);
            await db.RollbackAsync(CancellationToken.None);
        }
    }

    /// <summary>One running transfer: its spool files, and the lease it renews while it waits on its client.</summary>
    internal sealed class Transfer(CsvTransfers owner, Guid id)
    {
        private long _renewedAt = Stopwatch.GetTimestamp();

        public SpoolFile CreateFile() => SpoolFile.Create(owner.Settings.Directory);

        /// <summary>Renews the lease when a quarter of it has passed. Only between transactions: the renewal commits.</summary>
        public async Task KeepAliveAsync(CancellationToken ct)
        {
            if (Stopwatch.GetElapsedTime(_renewedAt) < owner.Settings.LeaseTime / 4)
            {
                return;
            }

            await owner.RenewAsync(id, ct);
            _renewedAt = Stopwatch.GetTimestamp();
        }
    }
}

/// <summary>429 <c>rate_limited</c> with <c>reason</c> <c>transfers_in_progress</c>: the org's CSV transfers are all running.</summary>
internal sealed class TooManyTransfersException : AppException
{
    public TooManyTransfersException(int limit)
        : base(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests",
            $"This organization already runs {limit} imports or exports; retry when one has finished.")
    {
        Extensions["reason"] = "transfers_in_progress";
        Extensions["limit"] = limit;
        Extensions["retryAfter"] = CsvTransfers.RetryAfterSeconds;
    }
}
