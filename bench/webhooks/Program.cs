using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsDash.Bench.Webhooks;
using OpsDash.Host.Database;
using OpsDash.Host.Setup;

// Outbound webhook figures for docs/performance.md (issue 19): the real Host (job worker on, its default webhooks queue)
// on a fresh embedded PostgreSQL 15, delivering to a receiver on loopback. Run it through bench/webhooks.sh.
var config = new ConfigurationBuilder().AddEnvironmentVariables("OPSDASH_").AddCommandLine(args).Build();
var latencyEvents = config.GetValue("Bench:LatencyEvents", 300);
var deliveries = config.GetValue("Bench:Deliveries", 20_000);
var fastEndpoints = config.GetValue("Bench:FastEndpoints", 8);
var slowDeliveries = config.GetValue("Bench:SlowDeliveries", 200);

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var logger = loggerFactory.CreateLogger("bench");
var root = RepositoryRoot.Find();
var work = Directory.CreateTempSubdirectory("opsdash-webhooks-bench.").FullName;
var postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions(work + "/pg", FreePort(), config["Bench:PgBin"] ?? "/usr/lib/postgresql/15/bin", []), logger);
await using var receiver = await Receiver.StartAsync();
WebApplication? host = null;
try
{
    await postgres.StartAsync();
    await DatabaseBootstrap.EnsureDatabaseAsync(postgres.SuperuserConnectionString, "opsdash_owner", "opsdash", template: null, CancellationToken.None);
    var superuser = new NpgsqlConnectionStringBuilder(postgres.SuperuserConnectionString) { Database = "opsdash" }.ConnectionString;
    var owner = new NpgsqlConnectionStringBuilder(superuser) { Username = "opsdash_owner" }.ConnectionString;
    await new MigrationRunner(owner, Path.Combine(root, "db", "scripts"), logger).MigrateAsync();

    host = await StartHostAsync(owner, root, work, receiver);
    var baseUrl = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    var (userId, slug, orgId) = await SetUpEnterpriseOrgAsync(http, superuser);
    var hooks = $"/api/v1/orgs/{slug}/webhooks";
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");

    // 1. Event commit to receipt, not backlogged: contacts created one at a time; the clock starts before the request, so
    //    the figure is an upper bound on commit → receipt (it includes the request itself).
    var latencyHook = await CreateEndpointAsync(http, hooks, receiver.Url("/latency"));
    var started = new Dictionary<Guid, long>();
    for (var i = 0; i < latencyEvents; i++)
    {
        var before = Stopwatch.GetTimestamp();
        var response = await http.PostAsJsonAsync($"/api/v1/orgs/{slug}/contacts", new { firstName = $"Lat{i}" });
        response.EnsureSuccessStatusCode();
        started[(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()] = before;
        await Task.Delay(50);
    }

    await WaitAsync(() => receiver.ContactArrivals.Count >= latencyEvents, TimeSpan.FromSeconds(120), "latency webhooks");
    var latencies = started.Select(s => Stopwatch.GetElapsedTime(s.Value, receiver.ContactArrivals[s.Key]).TotalMilliseconds).Order().ToList();
    Console.WriteLine($"commit→receipt ({latencyEvents} contact.created events, one every ~50 ms, outbox → fan-out job → delivery job): " +
                      $"p50 {Pct(latencies, 50):F1} ms, p95 {Pct(latencies, 95):F1} ms, p99 {Pct(latencies, 99):F1} ms, max {latencies[^1]:F1} ms");
    (await http.PutAsJsonAsync($"{hooks}/{latencyHook}", new { url = receiver.Url("/latency"), eventTypes = Bench.ContactCreated, enabled = false })).EnsureSuccessStatusCode();

    // 2. Sustained deliveries: a backlog of deliveries (as the fan-out writes them) spread over the fast endpoints.
    var fast = new List<Guid>();
    for (var i = 0; i < fastEndpoints; i++)
    {
        fast.Add(await CreateEndpointAsync(http, hooks, receiver.Url($"/fast/{i}")));
    }

    var alone = await DrainAsync(superuser, receiver, userId, orgId, fast, deliveries, slow: null, 0, "/fast/");
    Console.WriteLine($"sustained: {deliveries:N0} deliveries to {fastEndpoints} endpoints in {alone.TotalSeconds:F1} s = {deliveries / alone.TotalSeconds:N0}/s");

    // 3. The same with one endpoint that sleeps 10 s per request and has deliveries queued ahead of the fast ones.
    var slow = await CreateEndpointAsync(http, hooks, receiver.Url("/slow"));
    var beside = await DrainAsync(superuser, receiver, userId, orgId, fast, deliveries, slow, slowDeliveries, "/fast/");
    var drop = 1 - (alone.TotalSeconds / beside.TotalSeconds);
    Console.WriteLine($"with a 10 s endpoint ({slowDeliveries} deliveries queued first): {deliveries:N0} fast deliveries in {beside.TotalSeconds:F1} s = " +
                      $"{deliveries / beside.TotalSeconds:N0}/s, {drop:P1} slower; the slow endpoint got {receiver.Received("/slow")} in that time");
    Console.WriteLine($"# load average at the end {LoadAverage()}");
}
finally
{
    if (host is not null)
    {
        await host.StopAsync();
        await host.DisposeAsync();
    }

    await postgres.StopAsync();
    Directory.Delete(work, recursive: true);
}

static async Task<WebApplication> StartHostAsync(string owner, string root, string work, Receiver receiver)
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions
    {
        EnvironmentName = "Development",
        ContentRootPath = Path.Combine(root, "src", "Host"),
        ApplicationName = typeof(OpsDashApp).Assembly.GetName().Name,
    });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Url"] = owner,
        ["Database:MigrateOnStartup"] = "false",
        ["Database:ScriptsPath"] = Path.Combine(root, "db", "scripts"),
        ["Auth:Jwt:SigningKey"] = "bench-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ["Auth:Accounts:PasswordIterations"] = "10000",
        ["RateLimiting:Api:PermitLimit"] = "1000000",
        ["RateLimiting:Auth:PermitLimit"] = "1000000",
        ["Schedules:Enabled"] = "false",
        ["Email:PickupDirectory"] = Path.Combine(work, "mail"),
        ["Outbound:AllowedEndpoints:0"] = $"127.0.0.1:{receiver.Port}",
        ["Logging:LogLevel:Default"] = "Warning",
    });
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    var app = await OpsDashApp.BuildAsync(builder);
    await app.StartAsync();
    return app;
}

static async Task<(Guid UserId, string Slug, Guid OrgId)> SetUpEnterpriseOrgAsync(HttpClient http, string superuser)
{
    var email = $"bench-{Guid.NewGuid():N}@example.test";
    const string password = "correct horse battery";
    (await http.PostAsJsonAsync("/api/v1/auth/signup", new { email, password, fullName = "Bench" })).EnsureSuccessStatusCode();
    var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
    login.EnsureSuccessStatusCode();
    var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    var slug = $"bench-{Guid.NewGuid():N}"[..20];
    var created = await http.PostAsJsonAsync("/api/v1/orgs", new { name = "Bench", slug });
    created.EnsureSuccessStatusCode();
    var orgId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    var userId = (await http.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();
    await using var db = new NpgsqlConnection(superuser);
    await db.ExecuteAsync(
        """
        update organizations.subscriptions s set plan_key = 'enterprise'
         where s.org_id = (select o.id from organizations.organizations o where o.billing_owner_user_id = @userId and o.type = 'personal')
        """, new { userId });
    return (userId, slug, orgId);
}

static async Task<Guid> CreateEndpointAsync(HttpClient http, string hooks, string url)
{
    var response = await http.PostAsJsonAsync(hooks, new { url, eventTypes = Bench.ContactCreated });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endpoint").GetProperty("id").GetGuid();
}

// Deliveries written and their jobs queued as FanOutWebhooks does, in one transaction (the slow endpoint's first); the
// clock runs from its commit until every fast delivery has been received.
static async Task<TimeSpan> DrainAsync(
    string superuser, Receiver receiver, Guid userId, Guid orgId, List<Guid> fast, int count, Guid? slow, int slowCount, string fastPrefix)
{
    const string InsertSql = """
        with d as (
            insert into platform.webhook_deliveries (org_id, id, endpoint_id, event_id, event_type, payload, source, next_attempt_at)
            select @OrgId, gen_random_uuid(), e.id, gen_random_uuid(), 'contact.created', @Payload, 'event', now()
              from generate_series(1, @PerEndpoint) i, unnest(@Endpoints) e(id)
            returning id, endpoint_id)
        select count(jobs.enqueue('platform.webhook_deliver', jsonb_build_object('deliveryId', d.id, 'endpointId', d.endpoint_id),
                                  'webhooks', 0::smallint, 5, null, null))
          from d
        """;
    var payload = JsonSerializer.Serialize(new
    {
        type = "contact.created", timestamp = DateTime.UtcNow, data = new { contactId = Guid.Empty, contact = new { firstName = "Ada", lastName = "Lovelace", email = "ada@example.test", tags = Bench.Tags } },
    });
    var before = receiver.Received(fastPrefix);
    await using var db = new NpgsqlConnection(superuser);
    await db.OpenAsync();
    await using (var tx = await db.BeginTransactionAsync())
    {
        await db.ExecuteAsync("select set_config('app.user_id', @u, true), set_config('app.org_id', @o, true)", new { u = userId.ToString(), o = orgId.ToString() }, tx);
        if (slow is { } slowId)
        {
            await db.ExecuteScalarAsync<long>(InsertSql, new { OrgId = orgId, Payload = payload, PerEndpoint = slowCount, Endpoints = new[] { slowId } }, tx);
        }

        await db.ExecuteScalarAsync<long>(InsertSql, new { OrgId = orgId, Payload = payload, PerEndpoint = count / fast.Count, Endpoints = fast.ToArray() }, tx);
        await tx.CommitAsync();
    }

    var clock = Stopwatch.StartNew();
    await WaitAsync(() => receiver.Received(fastPrefix) - before >= count, TimeSpan.FromMinutes(10), "fast deliveries");
    return clock.Elapsed;
}

static async Task WaitAsync(Func<bool> done, TimeSpan patience, string what)
{
    var clock = Stopwatch.StartNew();
    while (!done())
    {
        if (clock.Elapsed > patience)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }

        await Task.Delay(10);
    }
}

static double Pct(List<double> sorted, int p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

internal static class Bench
{
    public static readonly string[] ContactCreated = ["contact.created"];

    public static readonly string[] Tags = ["vip"];
}
