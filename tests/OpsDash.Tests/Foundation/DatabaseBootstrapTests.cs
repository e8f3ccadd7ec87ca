using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Foundation;

public sealed class DatabaseBootstrapTests
{
    [Fact]
    public async Task With_a_url_it_migrates_sets_the_app_password_and_hands_out_an_app_connection()
    {
        var server = await TestDatabaseServer.GetAsync();
        var db = await server.CreateEmptyDatabaseAsync("boot");
        var settings = new DatabaseSettings { Url = db, AppPassword = "app-secret-from-config", ScriptsPath = TestDatabaseServer.ScriptsPath };

        var connections = await DatabaseBootstrap.PrepareAsync(settings, NullLogger.Instance);

        var app = new NpgsqlConnectionStringBuilder(connections.App);
        Assert.Equal("opsdash_app", app.Username);
        Assert.Equal("app-secret-from-config", app.Password);
        Assert.Null(connections.Embedded);
        await using var superuser = new NpgsqlConnection(server.SuperuserConnectionString);
        Assert.True(await superuser.ExecuteScalarAsync<bool>("select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'opsdash_app'"));
        await using var owner = new NpgsqlConnection(db);
        Assert.True(await owner.ExecuteScalarAsync<int>("select count(*) from migrations.journal") > 0);
    }

    [Theory]
    [InlineData("postgres://owner:p%40ss@db.example:6543/opsdash?sslmode=require", "db.example", 6543, "owner", "p@ss", "opsdash")]
    [InlineData("postgresql://owner@localhost/ops", "localhost", 5432, "owner", null, "ops")]
    public void Database_urls_become_npgsql_connection_strings(string url, string host, int port, string user, string? password, string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseSettings.ToNpgsql(url));

        Assert.Equal((host, port, user, password, database), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }
}
