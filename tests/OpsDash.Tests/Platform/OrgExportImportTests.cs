using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Platform.OrgData;
using OpsDash.Tests.Crm.Enrichment;

namespace OpsDash.Tests.Platform;

public sealed class OrgExportImportTests(OrgExportFactory factory) : IClassFixture<OrgExportFactory>
{
    [Fact]
    public async Task Export_then_import_gives_the_same_rows_and_content_ids_aside_for_every_table()
    {
        var source = await factory.CreateOrgWithRolesAsync(plan: "pro");
        await factory.FillEveryTableAsync(source.Org.Id, source.Owner.Id, source.Member.Id);
        var target = await factory.CreateTeamOrgAsync(source.Owner, plan: "pro");
        await factory.AddMemberAsync(target, source.Admin, "admin");
        await factory.AddMemberAsync(target, source.Member, "member");

        var export = await factory.ExportReadyAsync(source.Admin, source.Org.Slug);
        var zip = await factory.DownloadAsync(export);
        var import = await source.Owner.ImportAsync(target.Slug, zip);

        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync() + factory.Errors());
        var imported = await import.JsonAsync();
        Assert.Equal([source.Viewer.Email.ToLowerInvariant()], imported.GetProperty("unknownMembers").EnumerateArray().Select(e => e.GetString()));
        var tables = await factory.TablesAsync();
        var before = await OrgExportKit.ReadCsvsAsync(zip);
        var after = await OrgExportKit.ReadCsvsAsync(await factory.DownloadAsync(await factory.ExportReadyAsync(source.Owner, target.Slug)));
        var (expected, actual) = (OrgExportKit.Normalise(tables, before), OrgExportKit.Normalise(tables, after));
        foreach (var table in tables.Where(t => t.CopyInSql is not null && t.File != "organizations/audit_logs.csv"))
        {
            Assert.True(before[table.File].Count > 1, $"the fixture leaves {table.File} empty");
            Assert.Equal(before[table.File].Count - 1, imported.GetProperty("rows").GetProperty(table.File).GetInt64());
            Assert.Equal(expected[table.File], actual[table.File]);
        }

        // The audit log is exported, not copied: the new org records the import itself.
        Assert.DoesNotContain(actual["organizations/audit_logs.csv"], row => row.Contains("org.export_requested", StringComparison.Ordinal) && expected["organizations/audit_logs.csv"].Contains(row));
        var manifest = export.GetProperty("rowCounts");
        Assert.All(tables, t => Assert.Equal(before[t.File].Count - 1, manifest.GetProperty(t.File).GetInt64()));

        // New ids, the same records: the contact with a formula-like name is stored as written, its deal points at it.
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select count(*) from crm.contacts a join crm.contacts b on b.id = a.id where a.org_id = @A and b.org_id = @B", new { A = source.Org.Id, B = target.Id }));
        Assert.Equal("=SUM(A1)", await factory.ScalarAsync<string>(
            "select c.first_name from crm.deals d join crm.contacts c on c.org_id = d.org_id and c.id = d.contact_id where d.org_id = @B and d.title = 'Big deal'", new { B = target.Id }));
        Assert.Equal("", await factory.ScalarAsync<string>("select last_name from crm.contacts where org_id = @B and first_name = '=SUM(A1)'", new { B = target.Id }));
        Assert.Equal(2L, await factory.ScalarAsync<long>("select last_number from crm.quote_numbers where org_id = @B", new { B = target.Id }) + 1);
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @B and action = 'org.imported' and actor_user_id = @Owner", new { B = target.Id, Owner = source.Owner.Id }));
    }

    [Fact]
    public async Task Formula_cells_are_neutralised_and_the_manifest_has_rows_and_checksums()
    {
        var source = await factory.CreateOrgWithRolesAsync(plan: "pro");
        await factory.FillEveryTableAsync(source.Org.Id, source.Owner.Id, source.Member.Id);

        var zip = await factory.DownloadAsync(await factory.ExportReadyAsync(source.Owner, source.Org.Slug));

        using var archive = new ZipArchive(new MemoryStream(zip));
        var contacts = await new StreamReader(archive.GetEntry("crm/contacts.csv")!.Open()).ReadToEndAsync();
        Assert.Contains("'=SUM(A1)", contacts, StringComparison.Ordinal);
        Assert.Contains("'+1 555", contacts, StringComparison.Ordinal);
        Assert.Contains("''already quoted", contacts, StringComparison.Ordinal);
        Assert.All((await OrgExportKit.ReadCsvsAsync(zip)).Values.SelectMany(rows => rows).SelectMany(cells => cells),
            cell => Assert.False(cell is ['=' or '+' or '-' or '@' or '\t' or '\r', ..], cell));
        using var manifest = JsonDocument.Parse(archive.GetEntry("manifest.json")!.Open());
        Assert.Equal(1, manifest.RootElement.GetProperty("schemaVersion").GetInt32());
        var contactsFile = manifest.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "crm/contacts.csv");
        Assert.Equal(3, contactsFile.GetProperty("rows").GetInt64());
        await using var raw = archive.GetEntry("crm/contacts.csv")!.Open();
        Assert.Equal(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(raw)), contactsFile.GetProperty("sha256").GetString());
        Assert.Equal(1, await factory.ScalarAsync<int>(
            "select count(*) from organizations.audit_logs where org_id = @Id and action = 'org.export_requested' and actor_user_id = @Owner",
            new { source.Org.Id, Owner = source.Owner.Id }));
    }

    public static TheoryData<string> Tampers => ["csv_changed", "rows_changed", "schema_version", "missing_file", "extra_file", "no_manifest", "not_a_zip"];

    [Theory]
    [MemberData(nameof(Tampers))]
    public async Task A_tampered_zip_is_refused_with_its_reason_and_nothing_is_written(string tamper)
    {
        var source = await factory.CreateOrgWithRolesAsync(plan: "pro");
        await factory.FillEveryTableAsync(source.Org.Id, source.Owner.Id, source.Member.Id);
        var target = await factory.CreateTeamOrgAsync(source.Owner, plan: "pro");
        var zip = await factory.DownloadAsync(await factory.ExportReadyAsync(source.Owner, source.Org.Slug));

        var (bytes, reason) = tamper switch
        {
            "csv_changed" => (Rewrite(zip, "crm/deals.csv", text => text.Replace("1000.50", "9000.50", StringComparison.Ordinal)), "checksum_mismatch"),
            "rows_changed" => (Rewrite(zip, "manifest.json", text => text.Replace("\"rows\":3", "\"rows\":4", StringComparison.Ordinal)), "row_count_mismatch"),
            "schema_version" => (Rewrite(zip, "manifest.json", text => text.Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal)), "schema_version_mismatch"),
            "missing_file" => (Rewrite(zip, "projects/tasks.csv", null), "missing_file"),
            "extra_file" => (Rewrite(zip, "crm/secrets.csv", _ => "a,b\n"), "unexpected_file"),
            "no_manifest" => (Rewrite(zip, "manifest.json", null), "manifest_missing"),
            _ => (Encoding.UTF8.GetBytes("just text"), "not_a_zip"),
        };
        var response = await source.Owner.ImportAsync(target.Slug, bytes);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Equal(0, await factory.ScalarAsync<int>(
            "select (select count(*) from crm.contacts where org_id = @Id) + (select count(*) from crm.deals where org_id = @Id) + (select count(*) from projects.projects where org_id = @Id)",
            new { target.Id }));
    }

    [Fact]
    public async Task An_org_with_data_or_past_its_plan_limit_gets_nothing()
    {
        var source = await factory.CreateOrgWithRolesAsync(plan: "pro");
        await factory.FillEveryTableAsync(source.Org.Id, source.Owner.Id, source.Member.Id);
        var zip = await factory.DownloadAsync(await factory.ExportReadyAsync(source.Owner, source.Org.Slug));

        var twice = await source.Owner.ImportAsync(source.Org.Slug, zip);
        var conflict = await twice.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("org_not_empty", conflict.GetProperty("reason").GetString());

        // The export holds 2 live contacts; with Pro's contacts limit lowered to 1 the import stops and writes nothing.
        var target = await factory.CreateTeamOrgAsync(source.Owner, plan: "pro");
        await factory.ExecuteOwnerAsync("update organizations.plan_limits set limit_value = 1 where plan_key = 'pro' and feature_key = 'crm:contacts'");
        try
        {
            var overLimit = await source.Owner.ImportAsync(target.Slug, zip);
            Assert.True(overLimit.StatusCode == HttpStatusCode.Forbidden, await overLimit.Content.ReadAsStringAsync() + factory.Errors());
            await overLimit.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        }
        finally
        {
            await factory.ExecuteOwnerAsync("update organizations.plan_limits set limit_value = 10000 where plan_key = 'pro' and feature_key = 'crm:contacts'");
        }

        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from crm.companies where org_id = @Id", new { target.Id }));
    }

    [Fact]
    public async Task A_download_link_is_refused_after_expiry_for_another_export_and_when_tampered()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "pro");
        var stranger = await factory.CreateStrangerAsync(plan: "pro");
        var mine = await factory.ExportReadyAsync(set.Owner, set.Org.Slug);
        var theirs = await factory.ExportReadyAsync(stranger.User, stranger.Org.Slug);
        var (mineId, theirsId) = (mine.GetProperty("id").GetGuid(), theirs.GetProperty("id").GetGuid());
        var links = factory.Services.GetRequiredService<ExportLinks>();
        using var anonymous = factory.CreateClient();

        var shortLived = links.Issue(set.Org.Id, mineId, DateTimeOffset.UtcNow.AddSeconds(2)).Path;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(shortLived)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await (await anonymous.GetAsync(shortLived)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var myToken = mine.GetProperty("downloadUrl").GetString()!.Split('/')[^1];
        await (await anonymous.GetAsync($"/api/v1/export-downloads/{theirsId}/{myToken}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var forged = links.Issue(stranger.Org.Id, mineId, DateTimeOffset.UtcNow.AddMinutes(5)).Path; // the other org's id sealed with this export's
        await (await anonymous.GetAsync(forged)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await anonymous.GetAsync($"/api/v1/export-downloads/{mineId}/{myToken[..^4]}AAAA")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(theirs.GetProperty("downloadUrl").GetString())).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{OrgExportKit.Exports(set.Org.Slug)}/{mineId}")).StatusCode);
        await (await anonymous.GetAsync(mine.GetProperty("downloadUrl").GetString())).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Every_export_route_is_404_for_another_org_and_changes_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "pro");
        var stranger = await factory.CreateStrangerAsync(plan: "pro");
        var export = await factory.ExportReadyAsync(set.Owner, set.Org.Slug);
        var id = export.GetProperty("id").GetGuid();
        var them = stranger.User;

        await (await them.Client.PostAsync(OrgExportKit.Exports(set.Org.Slug), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await them.Client.GetAsync(OrgExportKit.Exports(set.Org.Slug))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await them.Client.GetAsync($"{OrgExportKit.Exports(set.Org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await them.Client.DeleteAsync($"{OrgExportKit.Exports(set.Org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await them.ImportAsync(set.Org.Slug, [1, 2, 3])).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        // Their own slug with this org's export id.
        await (await them.Client.GetAsync($"{OrgExportKit.Exports(stranger.Org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await them.Client.DeleteAsync($"{OrgExportKit.Exports(stranger.Org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await them.Client.GetAsync(OrgExportKit.Exports(stranger.Org.Slug))).JsonAsync();
        Assert.Equal(0, list.GetArrayLength());

        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from platform.org_exports where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from platform.org_exports where org_id = @Id", new { stranger.Org.Id }));
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", false)]
    [InlineData("viewer", false)]
    public async Task Only_owners_and_admins_start_list_read_delete_and_import(string role, bool allowed)
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "pro");
        var existing = await factory.ExportReadyAsync(set.Owner, set.Org.Slug);
        var id = existing.GetProperty("id").GetGuid();
        var caller = set.For(role).Client;

        var start = await caller.PostAsync(OrgExportKit.Exports(set.Org.Slug), null);
        var list = await caller.GetAsync(OrgExportKit.Exports(set.Org.Slug));
        var get = await caller.GetAsync($"{OrgExportKit.Exports(set.Org.Slug)}/{id}");
        var delete = await caller.DeleteAsync($"{OrgExportKit.Exports(set.Org.Slug)}/{id}");
        var import = await set.For(role).ImportAsync(set.Org.Slug, Encoding.UTF8.GetBytes("x"));

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            await import.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from platform.org_exports where org_id = @Id", new { set.Org.Id }));
        }
        else
        {
            await start.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await list.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await get.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await delete.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await import.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from platform.org_exports where org_id = @Id", new { set.Org.Id }));
        }
    }

    [Fact]
    public async Task Export_and_import_are_pro_features()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "free");

        await (await set.Owner.Client.PostAsync(OrgExportKit.Exports(set.Org.Slug), null)).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        await (await set.Owner.ImportAsync(set.Org.Slug, [1])).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(0, await factory.ScalarAsync<int>("select count(*) from platform.org_exports where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Expired_exports_are_purged_with_their_files()
    {
        var set = await factory.CreateOrgWithRolesAsync(plan: "pro");
        var old = (await factory.ExportReadyAsync(set.Owner, set.Org.Slug)).GetProperty("id").GetGuid();
        var fresh = (await factory.ExportReadyAsync(set.Owner, set.Org.Slug)).GetProperty("id").GetGuid();
        var settings = factory.Services.GetRequiredService<OrgDataSettings>();
        Assert.True(File.Exists(settings.FileOf(set.Org.Id, old)));
        await factory.ExecuteOwnerAsync("update platform.org_exports set expires_at = now() - interval '1 minute' where id = @old", new { old });

        var jobId = await factory.ScalarAsync<long>("select jobs.enqueue('platform.purge_org_exports', '{}'::jsonb, 'default', 0::smallint, 1, null, null)");
        Assert.Equal("completed", (await factory.RunUntilFinalAsync(jobId)).State);

        Assert.False(File.Exists(settings.FileOf(set.Org.Id, old)));
        Assert.True(File.Exists(settings.FileOf(set.Org.Id, fresh)));
        Assert.Equal([fresh], await factory.QueryOwnerAsync<Guid>("select id from platform.org_exports where org_id = @Id", new { set.Org.Id }));
    }

    private static byte[] Rewrite(byte[] zip, string name, Func<string, string>? change)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries.Where(e => change is not null || e.FullName != name))
            {
                var text = new StreamReader(entry.Open()).ReadToEnd();
                using var writer = new StreamWriter(target.CreateEntry(entry.FullName).Open(), new UTF8Encoding(false));
                writer.Write(entry.FullName == name ? change!(text) : text);
            }

            if (change is not null && source.GetEntry(name) is null)
            {
                using var writer = new StreamWriter(target.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(change(""));
            }
        }

        return output.ToArray();
    }
}
