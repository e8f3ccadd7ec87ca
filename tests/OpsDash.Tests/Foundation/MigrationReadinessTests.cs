namespace OpsDash.Tests.Foundation;

/// <summary>/health/ready also waits for every re-appliable file in its current version.</summary>
public sealed class MigrationReadinessTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Ready_is_503_naming_a_reappliable_file_not_applied_in_its_current_version()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("update migrations.repeatable set checksum = 'older' where path = 'crm/policies/contacts.sql'");
        }

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("1 migration script(s) pending: crm/policies/contacts.sql", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>A database the runner before DbUp migrated: the Host starts on it, migrating, and is ready.</summary>
public sealed class OldRunnerDatabaseFactory : OpsDashFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var db = await (await TestDatabaseServer.GetAsync()).CreateEmptyDatabaseAsync("oldhost");
        await OldMigrationRunner.MigrateAsync(db, TestDatabaseServer.MigrationsPath);
        OldDatabase = db;
        Set("Database:Url", db);
        Set("Database:MigrateOnStartup", "true");
    }

    public string OldDatabase { get; private set; } = string.Empty;
}

public sealed class OldRunnerDatabaseTests(OldRunnerDatabaseFactory factory) : IClassFixture<OldRunnerDatabaseFactory>
{
    [Fact]
    public async Task The_Host_starts_on_a_database_the_old_runner_migrated_and_runs_no_migration_again()
    {
        await using var owner = new Npgsql.NpgsqlConnection(factory.OldDatabase);
        var before = (await owner.QueryAsync<(string, DateTime)>("select script_name, applied_at from migrations.journal order by 1")).ToList();

        var ready = await factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(before, (await owner.QueryAsync<(string, DateTime)>("select script_name, applied_at from migrations.journal order by 1")).ToList());
        Assert.True(await owner.ExecuteScalarAsync<int>("select count(*) from migrations.repeatable") > 100);
    }
}
