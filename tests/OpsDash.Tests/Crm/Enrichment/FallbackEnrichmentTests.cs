using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsDash.Tests.Crm.Enrichment;

/// <summary>Without a Clearbit key enrichment fills a deterministic fallback, clearly marked, and calls nobody.</summary>
public sealed class FallbackEnrichmentTests(NoKeyEnrichmentFactory factory) : IClassFixture<NoKeyEnrichmentFactory>
{
    [Fact]
    public async Task No_key_fills_the_same_marked_fallback_on_every_run_and_leaves_the_real_fields_alone()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var id = await set.Member.CreateCompanyAsync(slug, "Globex Corporation", "globex.test");
        var twin = await set.Member.CreateCompanyAsync(slug, "Globex Again", "globex.test");

        var first = await RunAsync(set, slug, id);
        var second = await RunAsync(set, slug, id);
        var sameDomain = await RunAsync(set, slug, twin);

        Assert.Equal("fallback", first["source"]!.GetValue<string>());
        Assert.Equal("fallback", first["status"]!.GetValue<string>());
        Assert.Equal("GC", first["initials"]!.GetValue<string>());
        Assert.Equal("https://globex.test", first["website"]!.GetValue<string>());
        Assert.Matches("^#[0-9a-f]{6}$", first["color"]!.GetValue<string>());
        Assert.Equal(Stable(first), Stable(second));
        Assert.Equal(first["color"]!.GetValue<string>(), sameDomain["color"]!.GetValue<string>());
        var company = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, company.GetProperty("industry").ValueKind);
        Assert.Equal(JsonValueKind.Null, company.GetProperty("size").ValueKind);
    }

    private async Task<JsonObject> RunAsync(RoleSet set, string slug, Guid id)
    {
        await factory.EndCooldownAsync(id);
        Assert.Equal(("completed", 1), await factory.RunUntilFinalAsync(await set.Member.EnrichAsync(slug, id)));
        var body = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}/enrichment")).JsonAsync();
        return JsonNode.Parse(body.GetProperty("enrichment").GetRawText())!.AsObject();
    }

    private static string Stable(JsonObject enrichment)
    {
        var copy = enrichment.DeepClone().AsObject();
        copy.Remove("enrichedAt");
        return copy.ToJsonString();
    }
}
