using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// UnitOfWorkFilter and DbSession as ASP.NET runs them (filter, then the result writes the body),
/// against the real database: no work outside the unit of work, none after its commit, and no
/// commit of a transaction PostgreSQL already aborted.
/// </summary>
public sealed class UnitOfWorkTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string CountAuditSql = "select count(*) from organizations.audit_logs";

    [Fact]
    public async Task Database_work_outside_a_unit_of_work_is_refused()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.QueryAsync<int>("select 1"));

        Assert.Contains("outside a unit of work", error.Message, StringComparison.Ordinal);
        Assert.False(db.IsOpen);
    }

    [Fact]
    public async Task A_streamed_body_that_queries_after_the_commit_throws_instead_of_opening_a_second_transaction()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, Response = { Body = new MemoryStream() } };
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();

        var result = await RunFilterAsync(http, async () =>
        {
            await db.QueryAsync<int>("select 1");
            return (object?)TypedResults.Stream(async body => await body.WriteAsync(BitConverter.GetBytes(await db.QuerySingleAsync<int>("select 2"))));
        });
        var roundTripsAtCommit = db.RoundTrips;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ((IResult)result!).ExecuteAsync(http));

        Assert.Contains("after the unit of work ended", error.Message, StringComparison.Ordinal);
        Assert.False(db.IsOpen);
        Assert.Equal(roundTripsAtCommit, db.RoundTrips);
    }

    [Fact]
    public async Task A_lazy_query_run_after_the_commit_throws()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        Func<Task<long>>? late = null;

        await RunFilterAsync(http, () =>
        {
            late = () => db.QuerySingleAsync<long>(CountAuditSql);
            return Task.FromResult<object?>(TypedResults.Ok());
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => late!());
        Assert.False(db.IsOpen);
    }

    [Fact]
    public async Task A_2xx_result_over_a_swallowed_database_error_fails_instead_of_reporting_a_silent_rollback()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunFilterAsync(http, async () =>
        {
            await db.ExecuteAsync("select set_config('app.probe', 'written', true)");
            try
            {
                await db.QueryAsync<int>("select 1 / 0");
            }
            catch (PostgresException)
            {
                // the handler's bug: it carries on as if nothing happened
            }

            return (object?)TypedResults.Ok();
        }));

        Assert.Contains("rolled back, not committed", error.Message, StringComparison.Ordinal);
        Assert.False(db.IsOpen);
    }

    [Fact]
    public async Task Commit_after_a_failed_statement_rolls_back_and_throws()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        db.BeginUnitOfWork();
        try
        {
            await Assert.ThrowsAsync<PostgresException>(() => db.QueryAsync<int>("select 1 / 0"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.CommitAsync());
            Assert.Equal(2, db.RoundTrips); // the failed statement with its context, the rollback sent instead of COMMIT
        }
        finally
        {
            db.EndUnitOfWork();
        }
    }

    [Fact]
    public async Task A_unit_of_work_can_roll_back_and_go_on_in_a_new_transaction_until_it_ends()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        db.BeginUnitOfWork();
        await Assert.ThrowsAsync<PostgresException>(() => db.QueryAsync<int>("select 1 / 0"));
        await db.RollbackAsync();

        Assert.Equal(1, await db.QuerySingleAsync<int>("select 1"));
        await db.CommitAsync();
        db.EndUnitOfWork();

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.QueryAsync<int>("select 1"));
    }

    private static async Task<object?> RunFilterAsync(HttpContext http, Func<Task<object?>> handler)
    {
        var context = EndpointFilterInvocationContext.Create(http);
        return await new UnitOfWorkFilter().InvokeAsync(context, _ => new ValueTask<object?>(handler()));
    }
}
