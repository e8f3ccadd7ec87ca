using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Security;
using OpsDash.Tests.Crm;

namespace OpsDash.Tests.Platform;

/// <summary>Issue 19 item 5 (ADR 0021): API keys, over real HTTP against the real database.</summary>
public sealed class ApiKeyTests(ApiKeyTests.LoggedFactory factory) : IClassFixture<ApiKeyTests.LoggedFactory>
{
    public sealed class LoggedFactory : OpsDashFactory
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug)));
        }
    }

    [Fact]
    public async Task The_key_is_shown_once_and_only_its_hash_is_stored_in_any_table_or_log()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, key) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:read");
        Assert.StartsWith("odk_", key);
        Assert.Equal(HttpStatusCode.OK, (await factory.KeyClient(key).GetAsync(CrmApi.Contacts(set.Org.Slug))).StatusCode);

        var stored = await factory.QueryOwnerAsync<(string Prefix, byte[] Hash)>("select prefix, key_hash from core.api_keys where id = @id", new { id });
        Assert.Equal(key[..16], stored[0].Prefix);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(key)), stored[0].Hash);

        var secret = key[17..];
        var tables = await factory.QueryOwnerAsync<string>(
            """
            select format('%I.%I', schemaname, tablename) from pg_tables
             where schemaname not in ('pg_catalog', 'information_schema')
            """);
        Assert.Contains("core.api_keys", tables);
        foreach (var table in tables)
        {
            var hits = await factory.ScalarAsync<long>($"select count(*) from {table} t where t::text like '%' || @secret || '%'", new { secret });
            Assert.True(hits == 0, $"{table} holds the key in plain text");
        }

        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        var listed = (await set.Admin.ListKeysAsync(set.Org.Slug)).EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == id);
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.Equal(key[..16], listed.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task Scopes_are_enforced_per_route_read_for_get_write_for_the_rest_per_module()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        var (_, crmRead) = await set.Admin.CreateKeyAsync(slug, "crm:read");
        var (_, projectsWrite) = await set.Admin.CreateKeyAsync(slug, "projects:write");
        var reader = factory.KeyClient(crmRead, bearer: true);
        var writer = factory.KeyClient(projectsWrite);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(CrmApi.Contacts(slug))).StatusCode);
        var refused = await (await reader.PostAsJsonAsync(CrmApi.Contacts(slug), new { firstName = "Ada" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("api_key_scope", refused.GetProperty("reason").GetString());
        await (await reader.GetAsync($"/api/v1/orgs/{slug}/projects")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await reader.GetAsync($"/api/v1/orgs/{slug}/workflows")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(HttpStatusCode.OK, (await writer.GetAsync($"/api/v1/orgs/{slug}/projects")).StatusCode);
        var created = await writer.PostAsJsonAsync($"/api/v1/orgs/{slug}/projects", new { name = "Via key" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        await (await writer.GetAsync(CrmApi.Contacts(slug))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_write_acts_as_the_org_and_its_audit_row_names_the_key_not_a_user()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (keyId, key) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:write");

        var response = await factory.KeyClient(key).PostAsJsonAsync(CrmApi.Contacts(set.Org.Slug), new { firstName = "Grace" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var contactId = (await response.JsonAsync()).GetProperty("id").GetGuid();

        var rows = await factory.QueryOwnerAsync<(Guid? User, Guid? Key)>(
            "select actor_user_id, actor_api_key_id from organizations.audit_logs where org_id = @Id and entity_id = @Entity",
            new { set.Org.Id, Entity = contactId.ToString() });
        var row = Assert.Single(rows);
        Assert.Null(row.User);
        Assert.Equal(keyId, row.Key);
    }

    [Fact]
    public async Task Revoked_and_expired_keys_get_401_and_a_wrong_secret_too()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var slug = set.Org.Slug;
        var (revokedId, revoked) = await set.Admin.CreateKeyAsync(slug, "crm:read");
        var (expiredId, expired) = await set.Admin.CreateKeyAsync(slug, "crm:read");
        var (_, live) = await set.Admin.CreateKeyAsync(slug, "crm:read");
        Assert.Equal(HttpStatusCode.OK, (await factory.KeyClient(revoked).GetAsync(CrmApi.Contacts(slug))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await set.Admin.Client.DeleteAsync($"{ApiKeyApi.Keys(slug)}/{revokedId}")).StatusCode);
        await factory.ExecuteOwnerAsync("update core.api_keys set expires_at = now() - interval '1 second' where id = @expiredId", new { expiredId });

        await (await factory.KeyClient(revoked).GetAsync(CrmApi.Contacts(slug))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await factory.KeyClient(expired, bearer: true).GetAsync(CrmApi.Contacts(slug))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var tampered = live[..^1] + (live[^1] == 'A' ? 'B' : 'A');
        await (await factory.KeyClient(tampered).GetAsync(CrmApi.Contacts(slug))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, (await factory.KeyClient(live).GetAsync(CrmApi.Contacts(slug))).StatusCode);

        var list = await set.Admin.ListKeysAsync(slug);
        Assert.NotEqual(JsonValueKind.Null, list.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == revokedId).GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_key_of_org_A_gets_404_on_org_B_and_on_B_s_ids()
    {
        var a = await factory.CreateOrgWithRolesAsync("enterprise");
        var b = await factory.CreateOrgWithRolesAsync("enterprise");
        var (_, key) = await a.Admin.CreateKeyAsync(a.Org.Slug, "crm:write");
        var bContact = await b.Owner.CreateContactIdAsync(b.Org.Slug, "Bee");
        var client = factory.KeyClient(key);

        await (await client.GetAsync(CrmApi.Contacts(b.Org.Slug))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.PostAsJsonAsync(CrmApi.Contacts(b.Org.Slug), new { firstName = "X" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync($"{CrmApi.Contacts(a.Org.Slug)}/{bContact}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.DeleteAsync($"{CrmApi.Contacts(a.Org.Slug)}/{bContact}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await client.GetAsync("/api/v1/orgs/no-such-org-here/contacts")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and deleted_at is null", new { b.Org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id", new { a.Org.Id }));
    }

    [Theory]
    [InlineData("GET", "/api/v1/me")]
    [InlineData("GET", "/api/v1/me/orgs")]
    [InlineData("GET", "/api/v1/orgs/{slug}")]
    [InlineData("GET", "/api/v1/orgs/{slug}/members")]
    [InlineData("POST", "/api/v1/orgs/{slug}/invitations")]
    [InlineData("GET", "/api/v1/orgs/{slug}/api-keys")]
    [InlineData("POST", "/api/v1/orgs/{slug}/api-keys")]
    [InlineData("GET", "/api/v1/orgs/{slug}/audit-logs")]
    public async Task Account_member_org_and_key_routes_refuse_a_key_with_401(string method, string path)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (_, key) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:write", "projects:write", "automation:write");
        foreach (var bearer in new[] { false, true })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{slug}", set.Org.Slug))
            {
                Content = method == "GET" ? null : JsonContent.Create(new { name = "k", scopes = new[] { "crm:read" }, email = "x@example.test", role = "member" }),
            };
            await (await factory.KeyClient(key, bearer).SendAsync(request)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from core.api_keys where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Keys_are_Enterprise_and_for_owners_and_admins()
    {
        var pro = await factory.CreateOrgWithRolesAsync("pro");
        await (await pro.Owner.Client.PostAsJsonAsync(ApiKeyApi.Keys(pro.Org.Slug), new { name = "k", scopes = new[] { "crm:read" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");

        var ent = await factory.CreateOrgWithRolesAsync("enterprise");
        await (await ent.Member.Client.PostAsJsonAsync(ApiKeyApi.Keys(ent.Org.Slug), new { name = "k", scopes = new[] { "crm:read" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var (_, key) = await ent.Owner.CreateKeyAsync(ent.Org.Slug, "crm:read");

        // The plan is lost: the key stops working (403 feature_unavailable), it is not a 401 (the key is fine).
        await factory.ExecuteOwnerAsync(
            """
            update organizations.subscriptions s set plan_key = 'pro'
             where s.org_id = (select o.id from organizations.organizations o where o.billing_owner_user_id = @Id and o.type = 'personal')
            """,
            new { ent.Owner.Id });
        await (await factory.KeyClient(key).GetAsync(CrmApi.Contacts(ent.Org.Slug))).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Fact]
    public async Task Bad_create_input_is_a_400_with_field_messages()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        foreach (var body in new object[]
                 {
                     new { name = "", scopes = new[] { "crm:read" } },
                     new { name = "k\0", scopes = new[] { "crm:read" } },
                     new { name = new string('x', 10_000), scopes = new[] { "crm:read" } },
                     new { name = "k", scopes = Array.Empty<string>() },
                     new { name = "k", scopes = new[] { "crm:admin" } },
                     new { name = "k", scopes = new[] { "crm:read", "crm:read" } },
                     new { name = "k", scopes = new[] { "crm:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) },
                 })
        {
            await (await set.Admin.Client.PostAsJsonAsync(ApiKeyApi.Keys(set.Org.Slug), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from core.api_keys where org_id = @Id", new { set.Org.Id }));
    }

    [Fact]
    public async Task Usage_is_counted_in_memory_and_written_in_one_statement_per_flush()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (id, key) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:read");
        var client = factory.KeyClient(key);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetAsync(CrmApi.Contacts(set.Org.Slug))));
        await (await client.PostAsJsonAsync(CrmApi.Contacts(set.Org.Slug), new { firstName = "refused" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        await factory.Services.GetRequiredService<ApiKeyUsage>().FlushAsync();

        var listed = (await set.Admin.ListKeysAsync(set.Org.Slug)).EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == id);
        Assert.Equal(12, listed.GetProperty("usageCount").GetInt64());
        Assert.True(listed.GetProperty("lastUsedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
    }
}
