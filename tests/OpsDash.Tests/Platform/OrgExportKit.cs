using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Platform.Contracts;
using OpsDash.Modules.Platform.OrgData;
using OpsDash.Tests.Crm.Enrichment;

namespace OpsDash.Tests.Platform;

/// <summary>Exports' and imports' calls, the job run, and the fixture that fills every exported table.</summary>
internal static class OrgExportKit
{
    public static string Exports(string slug) => $"/api/v1/orgs/{slug}/exports";

    public static string Imports(string slug) => $"/api/v1/orgs/{slug}/imports";

    /// <summary>Starts an export (202), runs its job to the end and returns the export as GET shows it.</summary>
    public static async Task<JsonElement> ExportReadyAsync(this OpsDashFactory factory, TestUser user, string slug)
    {
        var start = await user.Client.PostAsync(Exports(slug), null);
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync());
        var id = (await start.JsonAsync()).GetProperty("id").GetGuid();
        var jobId = await factory.ScalarAsync<long>("select job_id from platform.org_exports where id = @id", new { id });
        var (state, _) = await factory.RunUntilFinalAsync(jobId);
        if (state != "completed")
        {
            var errors = await factory.QueryOwnerAsync<string>(
                "select coalesce(j.last_error, '') || ' / ' || coalesce(e.error, '') from jobs.jobs j, platform.org_exports e where j.id = @jobId and e.id = @id", new { jobId, id });
            Assert.Fail($"export job {state}: {string.Join("; ", errors)}");
        }

        var item = await user.Client.GetAsync($"{Exports(slug)}/{id}");
        Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        var body = await item.JsonAsync();
        Assert.Equal("ready", body.GetProperty("state").GetString());
        return body;
    }

    public static async Task<byte[]> DownloadAsync(this OpsDashFactory factory, JsonElement export)
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync(export.GetProperty("downloadUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static Task<HttpResponseMessage> ImportAsync(this TestUser user, string slug, byte[] zip)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return user.Client.PostAsync(Imports(slug), content);
    }

    public static async Task<IReadOnlyList<OrgDataTable>> TablesAsync(this OpsDashFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetServices<IOrgDataSection>().OrderBy(s => s.Order).SelectMany(s => s.Tables).ToList();
    }

    /// <summary>Every cell of every CSV in the ZIP, header first.</summary>
    public static async Task<Dictionary<string, List<List<string?>>>> ReadCsvsAsync(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        var files = new Dictionary<string, List<List<string?>>>();
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".csv", StringComparison.Ordinal)))
        {
            using var text = new StreamReader(entry.Open(), Encoding.UTF8);
            var reader = new CsvRecordReader(text);
            var rows = new List<List<string?>>();
            var cells = new List<string?>();
            while (await reader.ReadAsync(cells))
            {
                rows.Add([.. cells]);
            }

            files[entry.FullName] = rows;
        }

        return files;
    }

    /// <summary>
    /// Each table's rows with ids set aside: a row's own id and generated columns dropped, every reference replaced
    /// by the content of the row it points at. Equal results mean the same content with the references kept.
    /// </summary>
    public static Dictionary<string, List<string>> Normalise(IReadOnlyList<OrgDataTable> tables, Dictionary<string, List<List<string?>>> files)
    {
        var contentOf = new Dictionary<string, string>();
        foreach (var table in tables.Where(t => t.Columns[0] is { Name: "id", Kind: CellKind.Id }))
        {
            foreach (var row in files[table.File].Skip(1))
            {
                contentOf[row[0]!] = table.File + ":" + string.Join("|", table.Columns.Select((c, i) => c.Kind is CellKind.Id or CellKind.Generated ? "" : row[i] ?? "∅"));
            }
        }

        return tables.ToDictionary(t => t.File, t => files[t.File].Skip(1).Select(row => string.Join("|", t.Columns.Select((c, i) => c switch
        {
            { Kind: CellKind.Generated } or { Name: "id", Kind: CellKind.Id } => "",
            { Kind: CellKind.Id } => row[i] is { } reference ? "→" + contentOf[reference] : "∅",
            _ => row[i] ?? "∅",
        }))).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// One or a few rows in every exported table, as a DBA would write them: formula-like and quoted cells,
    /// an empty string beside NULLs, soft-deleted rows, a stage change, a converted lead, a done task.
    /// </summary>
    public static Task FillEveryTableAsync(this OpsDashFactory factory, Guid org, Guid owner, Guid member) =>
        factory.ExecuteOwnerAsync(
            """
            insert into crm.custom_fields (org_id, id, entity, key, label, field_type, options)
            values (@org, gen_random_uuid(), 'company', 'tier', '=Tier "gold", or not', 'select', '{gold,silver}');
            insert into crm.companies (org_id, id, name, domain, industry, website, metadata) values
                (@org, gen_random_uuid(), 'Acme, Inc.', 'acme.test', '@industry', null, '{"tier": "gold"}'),
                (@org, gen_random_uuid(), 'Beta', null, null, '-beta.test', '{}'),
                (@org, gen_random_uuid(), 'Gone Co', null, null, null, '{}');
            insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags)
            select @org, gen_random_uuid(), v.first_name, v.last_name, v.email, v.phone, v.title,
                   (select id from crm.companies where org_id = @org and name = v.company), v.owner, v.tags
              from (values ('=SUM(A1)', '', 'ada@acme.test', '+1 555', E'multi\nline "quoted", too', 'Acme, Inc.', @owner, '{vip,"=x"}'::text[]),
                           ('Grace', null, null, null, '''already quoted', 'Beta', @member, '{}'::text[]),
                           ('Lin', 'Gone', null, null, null, 'Gone Co', null, '{}'::text[])) v (first_name, last_name, email, phone, title, company, owner, tags);
            insert into crm.pipeline_stages (org_id, id, name, position, is_won, is_lost, probability) values
                (@org, gen_random_uuid(), 'Lead', 0, false, false, 10),
                (@org, gen_random_uuid(), 'Won', 1, true, false, 100),
                (@org, gen_random_uuid(), 'Lost', 2, false, true, 0);
            insert into crm.deals (org_id, id, title, stage_id, contact_id, company_id, owner_user_id, amount, currency, expected_close_date)
            select @org, gen_random_uuid(), v.title, (select id from crm.pipeline_stages where org_id = @org and name = 'Lead'),
                   (select id from crm.contacts where org_id = @org and first_name = v.contact),
                   (select id from crm.companies where org_id = @org and name = v.company), v.owner, v.amount, v.currency, date '2027-01-31'
              from (values ('Big deal', '=SUM(A1)', 'Acme, Inc.', @owner, 1000.50, 'USD'),
                           ('Won deal', 'Grace', 'Beta', @member, 20.00, 'EUR'),
                           ('Dead deal', 'Lin', null, null, null, 'USD')) v (title, contact, company, owner, amount, currency);
            update crm.deals set stage_id = (select id from crm.pipeline_stages where org_id = @org and name = 'Won') where org_id = @org and title = 'Won deal';
            insert into crm.leads (org_id, id, name, email, source, status, owner_user_id, notes) values
                (@org, gen_random_uuid(), 'Lead one', 'lead@one.test', '-web', 'new', @member, E'line\r\nbreak');
            insert into crm.leads (org_id, id, name, status, converted_at, converted_contact_id, converted_deal_id)
            select @org, gen_random_uuid(), 'Lead two', 'converted', now(),
                   (select id from crm.contacts where org_id = @org and first_name = 'Grace'), (select id from crm.deals where org_id = @org and title = 'Won deal');
            insert into crm.activities (org_id, id, kind, subject, body, contact_id, deal_id, created_by_user_id)
            select @org, gen_random_uuid(), 'note', 'Call back', '''quoted start', c.id, d.id, @owner
              from crm.contacts c, crm.deals d where c.org_id = @org and c.first_name = '=SUM(A1)' and d.org_id = @org and d.title = 'Big deal';
            insert into crm.activities (org_id, id, kind, subject, deal_id)
            select @org, gen_random_uuid(), 'call', null, id from crm.deals where org_id = @org and title = 'Won deal';
            insert into crm.quotes (org_id, id, deal_id, number, title, currency, valid_until, created_by)
            select @org, gen_random_uuid(), id, 1, 'Quote, first', 'USD', current_date + 30, @owner from crm.deals where org_id = @org and title = 'Big deal';
            insert into crm.quote_items (org_id, quote_id, position, description, quantity, unit_price, discount_percent, tax_percent)
            select @org, q.id, v.position, v.description, v.quantity, v.unit_price, v.discount, v.tax
              from crm.quotes q, (values (0, 'Item -1', 2.000, 10.00, 5.00, 19.00), (1, 'Item two', 1.500, 3.50, 0, 0)) v (position, description, quantity, unit_price, discount, tax)
             where q.org_id = @org;
            insert into projects.projects (org_id, id, name, description, status, company_id, deal_id, owner_user_id, start_date, due_date)
            select @org, gen_random_uuid(), 'Rollout', '@desc', 'active', c.id, d.id, @owner, date '2026-01-01', date '2026-12-31'
              from crm.companies c, crm.deals d where c.org_id = @org and c.name = 'Acme, Inc.' and d.org_id = @org and d.title = 'Big deal';
            insert into projects.milestones (org_id, id, project_id, name, due_date)
            select @org, gen_random_uuid(), id, 'Phase 1', date '2026-06-30' from projects.projects where org_id = @org;
            insert into projects.tasks (org_id, id, project_id, milestone_id, title, status, priority, assignee_user_id, position)
            select @org, gen_random_uuid(), p.id, m.id, 'Task one', 'done', 'high', @member, 0
              from projects.projects p join projects.milestones m on m.org_id = p.org_id and m.project_id = p.id where p.org_id = @org;
            insert into projects.tasks (org_id, id, project_id, title, position)
            select @org, gen_random_uuid(), id, 'Task two', 1 from projects.projects where org_id = @org;
            insert into projects.time_entries (org_id, id, project_id, task_id, user_id, minutes, entry_date, hourly_rate, currency, note)
            select @org, gen_random_uuid(), project_id, id, @owner, 90, date '2026-02-02', 50.00, 'EUR', '+note' from projects.tasks where org_id = @org and title = 'Task one';
            insert into automation.workflow_triggers (org_id, id, name, trigger_type, conditions, created_by)
            values (@org, gen_random_uuid(), 'When won', 'deal_won', '{"match": "all", "rules": [{"field": "amount", "operator": "gt", "value": 5}]}', @owner);
            insert into automation.workflow_actions (org_id, trigger_id, position, action_type, config)
            select @org, id, 0, 'send_notification', '{"message": "=won"}' from automation.workflow_triggers where org_id = @org;
            update crm.companies set deleted_at = now() where org_id = @org and name = 'Gone Co';
            update crm.contacts set deleted_at = now() where org_id = @org and first_name = 'Lin';
            update crm.deals set deleted_at = now() where org_id = @org and title = 'Dead deal';
            """,
            new { org, owner, member });
}
