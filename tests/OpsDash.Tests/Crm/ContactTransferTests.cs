using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CsvHelper;
using Npgsql;

namespace OpsDash.Tests.Crm;

/// <summary>
/// CSV exports and imports for real clients (issue 17, item 3; ADR 0018), with the app role's statement timeout at
/// 2 s: a slow download and a slow upload get through whole, holding no statement while the client is slow; an
/// import stops at the contacts cap and at the file's row cap; a statement timeout is a clear 503; an org runs at
/// most two transfers at once, on any Host; no spool file outlives its transfer.
/// </summary>
public sealed class ContactTransferTests(ContactTransferFactory factory) : IClassFixture<ContactTransferFactory>
{
    private const string CsvHeader = "first name,email\n";

    [Fact]
    public async Task A_client_reading_slowly_gets_every_row_of_a_large_export_while_no_statement_waits_on_it()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        // About 33 MB of CSV, far more than the sockets and pipes between PostgreSQL and the client buffer.
        await factory.ExecuteOwnerAsync(
            """
            insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title)
            select @Id, gen_random_uuid(), 'Seed', repeat('l', 150) || i, 'seed' || i || '@example.com',
                   '+1 555 ' || lpad(i::text, 7, '0'), repeat('t', 200)
              from generate_series(1, 60000) i
            """,
            new { set.Org.Id });
        var expected = (await QueryOwnerAsync<Guid>(
            "select id from crm.contacts where org_id = @Id and deleted_at is null order by created_at desc, id desc", new { set.Org.Id }))
            .Select(id => id.ToString()).ToList();

        var clock = Stopwatch.StartNew();
        using var response = await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var bytes = await ReadThrottledAsync(body, bytesPerSecond: 5_000_000, whileReading: async () => Assert.Equal(0, await BusyAppSessionsAsync()));

        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(5), $"the download took {clock.Elapsed}, not much slower than the statement timeout");
        Assert.Equal(response.Content.Headers.ContentLength, bytes.Length);
        Assert.Equal(expected, await IdsAsync(bytes));
        Assert.Empty(factory.SpoolFiles());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_slowly_uploaded_file_is_imported_whole()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var parts = Enumerable.Range(0, 20).Select(p => string.Concat(Enumerable.Range(p * 10, 10).Select(i => $"Slow{i},slow{i}@example.com\n"))).ToList();
        parts[0] = CsvHeader + parts[0];

        var clock = Stopwatch.StartNew();
        var upload = factory.StreamingClientFor(set.Member).PostAsync(ImportUrl(set.Org.Slug), new SlowCsvContent(parts, TimeSpan.FromMilliseconds(250)));
        await WaitUntilAsync(async () => await TransfersAsync(set.Org.Id) == 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await BusyAppSessionsAsync()); // mid-upload: no statement, no open transaction
        var response = await upload;

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(4.5), $"the upload took {clock.Elapsed}");
        Assert.Equal(200, (await response.JsonAsync()).GetProperty("created").GetInt32());
        Assert.Equal(200, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Empty(factory.SpoolFiles());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_transfer_renews_its_lease_while_its_client_is_slow()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        await using var host = factory.StartSecondHost(("Crm:Transfers:LeaseTime", "00:00:01"));
        await host.InitializeAsync();
        var parts = Enumerable.Range(0, 40).Select(i => $"Lease{i},lease{i}@example.com\n").ToList();
        parts[0] = CsvHeader + parts[0];

        var upload = host.ClientFor(set.Member).PostAsync(ImportUrl(set.Org.Slug), new SlowCsvContent(parts, TimeSpan.FromMilliseconds(100)));
        await WaitUntilAsync(async () => await TransfersAsync(set.Org.Id) == 1);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // longer than the lease

        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from crm.transfers where org_id = @Id and expires_at > now()", new { set.Org.Id }));
        var response = await upload;
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task An_import_past_the_contacts_cap_stops_at_the_first_batch_over_it_and_writes_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro"); // pro: 10,000 contacts
        await factory.SeedContactsAsync(set.Org.Id, 9_998);
        // 1,200 new rows, then a row the parser refuses: an import that read the whole file would answer 400.
        var csv = CsvHeader + string.Concat(Enumerable.Range(0, 1200).Select(i => $"P{i},p{i}@example.com\n")) + "\"Ada,ada@example.com\nBob\"x,y\n";

        var problem = await (await ImportAsync(set.Member, set.Org.Slug, csv)).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");

        Assert.Equal("crm:contacts", problem.GetProperty("feature").GetString());
        Assert.Equal(9_998, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows"));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from organizations.audit_logs where org_id = @Id and action = 'contact.imported'", new { set.Org.Id }));
        Assert.Empty(factory.SpoolFiles());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_file_with_more_rows_than_the_row_cap_is_a_400_and_the_cap_itself_fits()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        string Rows(int n) => "first name\n" + string.Concat(Enumerable.Repeat("A\n", n));

        var problem = await (await ImportAsync(set.Member, set.Org.Slug, Rows(ContactTransferFactory.MaxRows + 1)))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal("too_many_rows", problem.GetProperty("reason").GetString());
        Assert.Equal(ContactTransferFactory.MaxRows, problem.GetProperty("limit").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(0, await factory.LiveContactsAsync(set.Org.Id));

        var fits = await ImportAsync(set.Member, set.Org.Slug, Rows(ContactTransferFactory.MaxRows));
        Assert.True(fits.StatusCode == HttpStatusCode.OK, await fits.Content.ReadAsStringAsync());
        Assert.Equal(ContactTransferFactory.MaxRows, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Empty(factory.SpoolFiles());
    }

    [Fact]
    public async Task An_upload_or_an_export_past_its_byte_cap_is_refused_and_leaves_nothing_behind()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        await factory.SeedContactsAsync(set.Org.Id, 100);
        await using var host = factory.StartSecondHost(("Crm:Import:MaxBodyBytes", "1000"), ("Crm:Export:MaxBytes", "1000"));
        await host.InitializeAsync();

        // Sent in parts without a Content-Length, so only counting the bytes as they arrive can refuse it.
        var parts = Enumerable.Range(0, 3).Select(p => string.Concat(Enumerable.Range(p * 20, 20).Select(i => $"Big{i},big{i}@example.com\n"))).ToList();
        parts[0] = CsvHeader + parts[0];
        await (await host.ClientFor(set.Member).PostAsync(ImportUrl(set.Org.Slug), new SlowCsvContent(parts, TimeSpan.Zero)))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        var problem = await (await host.ClientFor(set.Viewer).GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        Assert.True(problem.GetProperty("errors").TryGetProperty("export", out _));
        Assert.Equal(100, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Empty(factory.SpoolFiles());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_statement_timeout_is_a_503_statement_timeout_that_keeps_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var locked = await set.Member.CreateContactIdAsync(set.Org.Slug, "Locked", email: "locked@example.com");
        await using var owner = await factory.OpenOwnerAsync();
        await using var tx = await owner.BeginTransactionAsync();
        await owner.ExecuteAsync("select 1 from crm.contacts where id = @locked for update", new { locked }, tx);

        // The upsert waits on the locked row until the statement timeout ends it.
        var import = await ImportAsync(set.Member, set.Org.Slug, CsvHeader + "New,new@example.com\nLocked Again,locked@example.com\n");
        var problem = await import.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "statement_timeout");
        Assert.Contains("in time", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await set.Member.Client.PutAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/{locked}", new { firstName = "Renamed" }))
            .AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "statement_timeout");
        await tx.RollbackAsync();

        Assert.Equal(1, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal("Locked", await factory.ScalarAsync<string>("select first_name from crm.contacts where id = @locked", new { locked }));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows"));
        Assert.Empty(factory.SpoolFiles());
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_third_transfer_of_an_org_is_refused_while_two_run_on_any_host_and_a_burst_never_gets_more()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var other = await factory.CreateOrgWithRolesAsync("pro");
        await using var second = factory.StartSecondHost();
        await second.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await second.ClientFor(set.Viewer).GetAsync("/api/v1/me")).StatusCode); // started
        var release = new TaskCompletionSource();

        // Six uploads at once that keep sending until released: two take the org's places, four are refused at once.
        var client = factory.StreamingClientFor(set.Member);
        var uploads = Enumerable.Range(0, 6).Select(i => client.PostAsync(ImportUrl(set.Org.Slug), new HeldCsvContent(i, release.Task))).ToList();
        await WaitUntilAsync(() => Task.FromResult(uploads.Count(u => u.IsCompleted) >= 4));
        await Task.Delay(200);
        var refused = uploads.Where(u => u.IsCompleted).ToList();
        Assert.Equal(4, refused.Count);
        foreach (var response in refused.Select(u => u.Result))
        {
            await AssertRefusedAsync(response);
        }

        Assert.Equal(2, await TransfersAsync(set.Org.Id));
        await AssertRefusedAsync(await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export"));
        await AssertRefusedAsync(await second.ClientFor(set.Viewer).GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export"));
        Assert.Equal(HttpStatusCode.OK, (await second.ClientFor(other.Viewer).GetAsync($"{CrmApi.Contacts(other.Org.Slug)}/export")).StatusCode);

        release.SetResult();
        var created = 0;
        foreach (var running in uploads.Where(u => !refused.Contains(u)))
        {
            var response = await running;
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            created += (await response.JsonAsync()).GetProperty("created").GetInt32();
        }

        Assert.Equal(created, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(0, await TransfersAsync(set.Org.Id));
        Assert.Equal(HttpStatusCode.OK, (await second.ClientFor(set.Viewer).GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export")).StatusCode);
        Assert.Empty(factory.SpoolFiles());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("transfers_in_progress", problem.GetProperty("reason").GetString());
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
    }

    private static string ImportUrl(string slug) => $"{CrmApi.Contacts(slug)}/import";

    private static Task<HttpResponseMessage> ImportAsync(TestUser user, string slug, string csv)
    {
        var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return user.Client.PostAsync(ImportUrl(slug), content);
    }

    private Task<long> TransfersAsync(Guid orgId) =>
        factory.ScalarAsync<long>("select count(*) from crm.transfers where org_id = @orgId", new { orgId });

    // Sessions of the app role in this class's database running a statement or inside a transaction (read as the
    // superuser: other roles' session states are hidden from the owner).
    private async Task<long> BusyAppSessionsAsync()
    {
        var server = await TestDatabaseServer.GetAsync();
        await using var admin = new NpgsqlConnection(server.SuperuserConnectionString);
        await admin.OpenAsync();
        return await admin.ExecuteScalarAsync<long>(
            "select count(*) from pg_stat_activity where datname = @Database and usename = 'opsdash_app' and state <> 'idle'",
            new { new NpgsqlConnectionStringBuilder(factory.OwnerConnectionString).Database });
    }

    private async Task<List<T>> QueryOwnerAsync<T>(string sql, object args)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return [.. await owner.QueryAsync<T>(sql, args)];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting");
            await Task.Delay(25);
        }
    }

    // Reads like a client on a slow line: never ahead of bytesPerSecond; whileReading runs once, mid-download.
    private static async Task<byte[]> ReadThrottledAsync(Stream body, int bytesPerSecond, Func<Task> whileReading)
    {
        var clock = Stopwatch.StartNew();
        var buffer = new byte[16 * 1024];
        using var received = new MemoryStream();
        var checkedMidway = false;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
            if (!checkedMidway && received.Length > 1_000_000)
            {
                await whileReading();
                checkedMidway = true;
            }

            var due = TimeSpan.FromSeconds((double)received.Length / bytesPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }

        Assert.True(checkedMidway, "the export was too small to check mid-download");
        return received.ToArray();
    }

    private static async Task<List<string>> IdsAsync(byte[] csv)
    {
        using var reader = CsvReader.Create(new MemoryStream(csv), new CsvReaderOptions { Separator = ',' }, leaveOpen: false);
        await reader.ReadHeaderAsync(CancellationToken.None);
        var ids = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
