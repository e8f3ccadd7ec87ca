using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsDash.Tests.Infrastructure;

/// <summary>
/// The real Host over real HTTP (in-memory server) against this test class's own database.
/// Use as <c>IClassFixture&lt;OpsDashFactory&gt;</c>; subclass to change settings.
/// </summary>
public class OpsDashFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Database:MigrateOnStartup"] = "false",
        ["Auth:Jwt:SigningKey"] = SigningKey,
        ["RateLimiting:Api:PermitLimit"] = "100000",
        ["RateLimiting:Auth:PermitLimit"] = "100000",
        ["RateLimiting:ApiKey:PermitLimit"] = "100000",
        // Fast hashes in tests; the production default (210,000) is asserted in PasswordHashingTests.
        ["Auth:Accounts:PasswordIterations"] = "10000",
        // No background worker unless a test starts one (tests/OpsDash.Tests/Jobs).
        ["Jobs:Enabled"] = "false",
        // No scheduler either (tests/OpsDash.Tests/Jobs/ScheduleTests starts its own).
        ["Schedules:Enabled"] = "false",
    };

    public string OwnerConnectionString { get; private set; } = string.Empty;

    /// <summary>Connects as opsdash_app with no tenant context set, exactly like the Host.</summary>
    public string AppConnectionString =>
        new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = "opsdash_app", Pooling = false }.ConnectionString;

    /// <summary>Connects as opsdash_jobs, the background-work role, with no context set.</summary>
    public string JobsConnectionString =>
        new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = "opsdash_jobs", Pooling = false }.ConnectionString;

    public virtual async Task InitializeAsync()
    {
        var server = await TestDatabaseServer.GetAsync();
        OwnerConnectionString = await server.RentDatabaseAsync(GetType().Name);
        _settings["Database:Url"] = OwnerConnectionString;
        _settings["Database:ScriptsPath"] = TestDatabaseServer.ScriptsPath;
    }

    public new virtual async Task DisposeAsync() => await base.DisposeAsync();

    public async Task<NpgsqlConnection> OpenOwnerAsync()
    {
        var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<NpgsqlConnection> OpenAppAsync()
    {
        var connection = new NpgsqlConnection(AppConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<NpgsqlConnection> OpenJobsAsync()
    {
        var connection = new NpgsqlConnection(JobsConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected void Set(string key, string value) => _settings[key] = value;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Keep the test output readable; RequestLoggingTests adds its own capturing provider.
        // OPSDASH_TEST_CONSOLE_LOG=1 shows the Host's log (e.g. a 500's exception) while debugging a test.
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            if (Environment.GetEnvironmentVariable("OPSDASH_TEST_CONSOLE_LOG") == "1")
            {
                logging.AddConsole();
            }
        });
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
