using System.Net.Http.Headers;
using Npgsql;

namespace OpsDash.Tests.Crm;

/// <summary>
/// CSV imports and exports under a short statement timeout, over real HTTP: <c>opsdash_app</c> gets 2 s in
/// this class's database only (a role setting for the one database), so whatever keeps a statement running
/// while a client is slow fails within seconds here; the Host listens with Kestrel on a loopback port, so a
/// slow client is slow on a socket. Its own spool directory, so a test sees every temp file gone, and at most
/// <see cref="MaxRows"/> rows per import file.
/// </summary>
public sealed class ContactTransferFactory : OpsDashFactory
{
    public const int MaxRows = 2000;

    public ContactTransferFactory()
    {
        UseKestrel(0);
        Set("Crm:Transfers:Directory", SpoolDirectory);
        Set("Crm:Import:MaxRows", MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), $"opsdash-test-transfers-{Guid.NewGuid():N}");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var database = new NpgsqlConnectionStringBuilder(OwnerConnectionString).Database!;
        await using var owner = await OpenOwnerAsync();
        // The name comes from the test server, not from input.
        await owner.ExecuteAsync($"alter role opsdash_app in database \"{database}\" set statement_timeout = '2s'");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(SpoolDirectory))
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
    }

    /// <summary>
    /// A client that sends a request body as it is written: the factory's own clients follow redirects, and to be able
    /// to send a body again they buffer it whole first. It asks <c>Expect: 100-continue</c>, so a request the server refuses
    /// before reading the body gets its answer without sending the body.
    /// </summary>
    public HttpClient StreamingClientFor(TestUser user) => StreamingClient(CreateClient().BaseAddress!, user);

    internal static HttpClient StreamingClient(Uri baseAddress, TestUser user)
    {
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        client.DefaultRequestHeaders.ExpectContinue = true;
        return client;
    }

    /// <summary>The spool files left in the directory (none once every transfer has ended).</summary>
    public string[] SpoolFiles() => Directory.Exists(SpoolDirectory) ? Directory.GetFiles(SpoolDirectory) : [];

    /// <summary>Another Host on this database (a second server of the deployment), with the same spool directory and <paramref name="settings"/>.</summary>
    public SecondHost StartSecondHost(params (string Key, string Value)[] settings) =>
        new(OwnerConnectionString, [("Crm:Transfers:Directory", SpoolDirectory), .. settings]);

    public sealed class SecondHost : OpsDashFactory
    {
        private readonly string _ownerConnectionString;
        private readonly (string Key, string Value)[] _settings;

        internal SecondHost(string ownerConnectionString, (string Key, string Value)[] settings)
        {
            UseKestrel(0);
            _ownerConnectionString = ownerConnectionString;
            _settings = settings;
        }

        public override Task InitializeAsync()
        {
            Set("Database:Url", _ownerConnectionString);
            Set("Database:ScriptsPath", TestDatabaseServer.ScriptsPath);
            foreach (var (key, value) in _settings)
            {
                Set(key, value);
            }

            return Task.CompletedTask;
        }

        /// <summary>A streaming client of this Host that sends <paramref name="user"/>'s access token (both Hosts sign with the same key).</summary>
        public HttpClient ClientFor(TestUser user) => StreamingClient(CreateClient().BaseAddress!, user);
    }
}
