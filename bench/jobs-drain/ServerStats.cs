using Dapper;
using Npgsql;

namespace OpsDash.Bench.JobsDrain;

/// <summary>What the server itself counted: pg_stat_statements (top-level statements) and pg_stat_database (transactions).</summary>
internal sealed record Counters(long Statements, long Commits, long Rollbacks, IReadOnlyList<StatementCount> Top);

internal sealed record StatementCount(long Calls, string Role, string Query);

/// <summary>Reads and resets the server's statistics for the bench database, as the superuser.</summary>
internal sealed class ServerStats(string superuserConnectionString)
{
    private const string StatementsSql = """
        select coalesce(sum(s.calls), 0)::bigint
          from pg_stat_statements s
         where s.dbid = (select oid from pg_database where datname = current_database())
           and s.userid in (select oid from pg_roles where rolname = any (@Roles))
        """;

    private const string TopSql = """
        select s.calls, r.rolname as role, left(regexp_replace(s.query, '\s+', ' ', 'g'), 110) as query
          from pg_stat_statements s join pg_roles r on r.oid = s.userid
         where s.dbid = (select oid from pg_database where datname = current_database())
           and r.rolname = any (@Roles)
         order by s.calls desc
         limit 10
        """;

    private const string TransactionsSql = """
        select xact_commit, xact_rollback from pg_stat_database where datname = current_database()
        """;

    public async Task ResetAsync()
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.ExecuteAsync("select pg_stat_statements_reset()");
        await connection.ExecuteAsync("select pg_stat_reset()");
    }

    /// <summary>
    /// Statements of the given roles only. Transactions are the whole database's (the view has no per-role
    /// split), which includes this reader's own few; read them after the measured sessions have closed
    /// (a backend reports its counters at exit, or when idle for a while).
    /// </summary>
    public async Task<Counters> ReadAsync(params string[] roles)
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        var statements = await connection.ExecuteScalarAsync<long>(StatementsSql, new { Roles = roles });
        var top = (await connection.QueryAsync<StatementCount>(TopSql, new { Roles = roles })).ToList();
        var (commits, rollbacks) = await connection.QuerySingleAsync<(long, long)>(TransactionsSql);
        return new Counters(statements, commits, rollbacks, top);
    }
}
