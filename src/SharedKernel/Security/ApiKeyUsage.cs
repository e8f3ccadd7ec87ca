using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Security;

/// <summary>
/// Each key's last use and use count (ADR 0021), counted in memory and added to <c>core.api_keys</c> in one
/// statement per flush (<c>ApiKeys:UsageFlushInterval</c>, default 10 s), not with a row update per request:
/// that update would hold the key's row lock until the request commits, so every request of a busy key would
/// wait for the one before it. A Host that dies loses at most one interval of counts; the list says "about".
/// </summary>
public sealed class ApiKeyUsage : BackgroundService
{
    private const string RecordSql = "select core.record_api_key_usage(@Ids, @Counts, @LastUsed)";

    private readonly AppDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger<ApiKeyUsage> _logger;
    private readonly TimeSpan _interval;
    private ConcurrentDictionary<Guid, Tally> _pending = new();

    internal ApiKeyUsage(AppDataSource dataSource, IConfiguration configuration, TimeProvider clock, ILogger<ApiKeyUsage> logger)
    {
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        _interval = configuration.GetValue("ApiKeys:UsageFlushInterval", TimeSpan.FromSeconds(10));
    }

    /// <summary>Counts one accepted request of the key.</summary>
    public void Record(Guid keyId)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var tally = _pending.GetOrAdd(keyId, _ => new Tally());
        Interlocked.Increment(ref tally.Count);
        long seen;
        while ((seen = Interlocked.Read(ref tally.LastUsedTicks)) < now && Interlocked.CompareExchange(ref tally.LastUsedTicks, now, seen) != seen)
        {
        }
    }

    /// <summary>Writes what was counted since the last flush (also on shutdown, and for tests).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var taken = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<Guid, Tally>());
        if (taken.IsEmpty)
        {
            return;
        }

        // A Record that fetched the old dictionary just before the swap may still add to a tally; a short
        // pause lets it land before the tallies are read (at worst one use is not counted).
        await Task.Yield();
        var rows = taken.OrderBy(p => p.Key).ToList();
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            RecordSql,
            new
            {
                Ids = rows.Select(r => r.Key).ToArray(),
                Counts = rows.Select(r => Interlocked.Read(ref r.Value.Count)).ToArray(),
                LastUsed = rows.Select(r => new DateTime(Interlocked.Read(ref r.Value.LastUsedTicks), DateTimeKind.Utc)).ToArray(),
            },
            cancellationToken: ct));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushQuietlyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushQuietlyAsync(CancellationToken.None);
    }

    private async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "API key usage could not be recorded; these counts are lost");
        }
    }

    private sealed class Tally
    {
        public long Count;
        public long LastUsedTicks;
    }
}
