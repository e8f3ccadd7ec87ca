using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Foundation;

public sealed class DatabaseBootstrapTests
{
    [Fact]
    public async Task With_a_url_it_migrates_and_hands_out_app_and_jobs_connections_only()
    {
        var server = await TestDatabaseServer.GetAsync();
        var db = await server.CreateEmptyDatabaseAsync("boot");
        var settings = new DatabaseSettings { Url = db, AppPassword = "app-secret-from-config", ScriptsPath = TestDatabaseServer.ScriptsPath };

        var connections = await DatabaseBootstrap.PrepareAsync(settings, NullLogger.Instance);

        var app = new NpgsqlConnectionStringBuilder(connections.App);
        Assert.Equal("opsdash_app", app.Username);
        Assert.Equal("app-secret-from-config", app.Password);
        Assert.Equal("opsdash_jobs", new NpgsqlConnectionStringBuilder(connections.Jobs).Username);
        Assert.Null(connections.Embedded);
        await using var owner = new NpgsqlConnection(db);
        Assert.True(await owner.ExecuteScalarAsync<int>("select count(*) from migrations.journal") > 0);
    }

    [Fact]
    public async Task Role_passwords_are_set_only_when_they_differ_and_never_as_plain_text()
    {
        var server = await TestDatabaseServer.GetAsync();
        var db = await server.CreatePasswordDatabaseAsync();
        var logs = new ListLogger();
        var settings = new DatabaseSettings { Url = db, AppPassword = $"app-{Guid.NewGuid():N}", JobsPassword = $"jobs-{Guid.NewGuid():N}", ScriptsPath = TestDatabaseServer.ScriptsPath };
        var firstApp = settings.AppPassword;

        var first = await DatabaseBootstrap.PrepareAsync(settings, logs);
        var afterFirst = await VerifiersAsync(server);
        await DatabaseBootstrap.PrepareAsync(settings, logs);
        var afterSecond = await VerifiersAsync(server);
        settings.AppPassword = $"app-{Guid.NewGuid():N}";
        var third = await DatabaseBootstrap.PrepareAsync(settings, logs);
        var afterThird = await VerifiersAsync(server);

        Assert.StartsWith("SCRAM-SHA-256$4096:", afterFirst.App, StringComparison.Ordinal);
        Assert.Equal(afterFirst, afterSecond);
        Assert.NotEqual(afterSecond.App, afterThird.App);
        Assert.Equal(afterSecond.Jobs, afterThird.Jobs);
        await AssertLogsInAsync(first.Jobs);
        await AssertLogsInAsync(third.App);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => AssertLogsInAsync(first.App));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(firstApp, StringComparison.Ordinal) || line.Contains(settings.AppPassword, StringComparison.Ordinal) || line.Contains(settings.JobsPassword, StringComparison.Ordinal));
        Assert.Equal(3, logs.Lines.Count(line => line.Contains("password of role", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void The_verifier_has_the_postgres_format_and_a_fresh_salt_each_time()
    {
        var verifier = RolePasswords.Verifier("correct horse");

        Assert.Matches(@"^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$", verifier);
        Assert.NotEqual(verifier, RolePasswords.Verifier("correct horse"));
    }

    [Theory]
    [InlineData("postgres://owner:p%40ss@db.example:6543/opsdash?sslmode=require", "db.example", 6543, "owner", "p@ss", "opsdash")]
    [InlineData("postgresql://owner@localhost/ops", "localhost", 5432, "owner", null, "ops")]
    public void Database_urls_become_npgsql_connection_strings(string url, string host, int port, string user, string? password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSettings.ToNpgsql(url));

        Assert.Equal((host, port, user, password, database), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    private static async Task<(string App, string Jobs)> VerifiersAsync(TestDatabaseServer server)
    {
        await using var superuser = new NpgsqlConnection(server.SuperuserConnectionString);
        return await superuser.QuerySingleAsync<(string, string)>("""
            select (select rolpassword from pg_authid where rolname = 'opsdash_app'),
                   (select rolpassword from pg_authid where rolname = 'opsdash_jobs')
            """);
    }

    private static async Task AssertLogsInAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select 1"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
