using OpsDash.Tests.Crm.Deals;

namespace OpsDash.Tests.Crm.Quotes;

/// <summary>
/// Quotes over HTTP: amounts to the cent, numbering under concurrency, the PDF's text, the Pro gate, roles,
/// another org's ids, and bad input. The fixture's amounts, by hand (round half away from zero, per line):
/// 3 x 1,250.00 = 3,750.00, -10% = 375.00, +20% of 3,375.00 = 675.00, line 4,050.00;
/// 7 x 19.99 = 139.93, +8.25% = 11.544225 → 11.54, line 151.47;
/// 1 x 0.10, +5% = 0.005 → 0.01, line 0.11;
/// 2.5 x 33.33 = 83.325 → 83.33, -12.5% = 10.41625 → 10.42, +19% of 72.91 = 13.8529 → 13.85, line 86.76;
/// subtotal 3,973.36, discount 385.42, tax 700.40, total 4,288.34.
/// </summary>
public sealed class QuoteTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_quote_has_its_amounts_right_to_the_cent_and_reads_back()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var deal = await set.Member.CreateDealIdAsync(slug, "Rollout", new { title = "Rollout", amount = 4000m, currency = "EUR" });

        var quote = await set.Member.CreateQuoteOkAsync(slug, deal, new { items = QuoteApi.FixtureItems, notes = "Prices valid for 30 days." });

        Assert.Equal("EUR", quote.GetProperty("currency").GetString());
        Assert.Equal("Rollout", quote.GetProperty("title").GetString());
        Assert.Equal("Q-00001", quote.GetProperty("reference").GetString());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd"), quote.GetProperty("validUntil").GetString());
        var totals = quote.GetProperty("totals");
        Assert.Equal(4, totals.GetProperty("itemCount").GetInt32());
        Assert.Equal(3973.36m, totals.GetProperty("subtotal").GetDecimal());
        Assert.Equal(385.42m, totals.GetProperty("discount").GetDecimal());
        Assert.Equal(700.40m, totals.GetProperty("tax").GetDecimal());
        Assert.Equal(4288.34m, totals.GetProperty("total").GetDecimal());
        var lines = quote.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([4050.00m, 151.47m, 0.11m, 86.76m], lines.Select(l => l.GetProperty("total").GetDecimal()));
        Assert.Equal([675.00m, 11.54m, 0.01m, 13.85m], lines.Select(l => l.GetProperty("tax").GetDecimal()));
        Assert.Equal(83.33m, lines[3].GetProperty("net").GetDecimal());
        Assert.Equal(10.42m, lines[3].GetProperty("discount").GetDecimal());

        var id = quote.GetProperty("id").GetGuid();
        var got = await (await set.Viewer.Client.GetAsync(QuoteApi.Quote(slug, id))).JsonAsync();
        Assert.Equal(quote.GetProperty("totals").ToString(), got.GetProperty("totals").ToString());
        var list = await (await set.Viewer.Client.GetAsync(QuoteApi.DealQuotes(slug, deal))).JsonAsync();
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal("quote.created", await factory.ScalarAsync<string>("select action from organizations.audit_logs where org_id = @Id and entity_type = 'quote'", new { set.Org.Id }));

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync(QuoteApi.Quote(slug, id))).StatusCode);
        await (await set.Viewer.Client.GetAsync(QuoteApi.Quote(slug, id))).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.GetAsync($"{QuoteApi.Quote(slug, id)}/pdf")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await (await set.Viewer.Client.GetAsync(QuoteApi.DealQuotes(slug, deal))).JsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task The_pdf_holds_the_number_every_item_and_the_totals()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Ünïcode GmbH");
        var contact = await set.Member.CreateContactIdAsync(slug, "Zoë", "Ørsted");
        await set.Member.Client.PutAsJsonAsync($"{CrmApi.Contacts(slug)}/{contact}", new { firstName = "Zoë", lastName = "Ørsted", companyId = company });
        var deal = await set.Member.CreateDealIdAsync(slug, "Rollout", new { title = "Rollout", contactId = contact, companyId = company, currency = "EUR" });
        var quote = await set.Member.CreateQuoteOkAsync(slug, deal, new { title = "Rollout, phase 1", validUntil = "2027-01-31", items = QuoteApi.FixtureItems, notes = "Net 30.\nThank you!" });

        var response = await set.Viewer.Client.GetAsync($"{QuoteApi.Quote(slug, quote.GetProperty("id").GetGuid())}/pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Q-00001.pdf", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);

        var text = await QuoteApi.PdfTextAsync(bytes);
        foreach (var expected in new[]
                 {
                     set.Org.Name, "QUOTE", "Q-00001", "2027-01-31", "Zoë Ørsted, Ünïcode GmbH", "Rollout, phase 1",
                     "Consulting day", "Licence, per seat", "Stamp", "Workshop hours",
                     "4,050.00", "151.47", "0.11", "86.76", "3,973.36", "-385.42", "700.40", "4,288.34 EUR", "Net 30.", "Thank you!", "page 1 of 1",
                 })
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"'{expected}' is not in the PDF's text:\n{text}");
        }
    }

    [Fact]
    public async Task A_long_quote_wraps_and_runs_over_pages_with_every_item()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Big");
        var items = Enumerable.Range(1, 120).Select(i => new
        {
            description = $"Item {i:D3} " + string.Join(' ', Enumerable.Repeat("with a long description that wraps", i % 4)) + (i == 7 ? " Supercalifragilisticexpialidocious-unbreakable-word-that-must-be-cut" : ""),
            quantity = 1m, unitPrice = 1.00m,
        }).ToArray();
        var quote = await set.Member.CreateQuoteOkAsync(set.Org.Slug, deal, new { items });

        var text = await QuoteApi.PdfTextAsync(await set.Member.Client.GetByteArrayAsync($"{QuoteApi.Quote(set.Org.Slug, quote.GetProperty("id").GetGuid())}/pdf"));

        Assert.All(Enumerable.Range(1, 120), i => Assert.Contains($"Item {i:D3}", text, StringComparison.Ordinal));
        Assert.Contains("page 1 of ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("page 1 of 1\n", text, StringComparison.Ordinal);
        Assert.Contains("120.00 USD", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_creates_get_consecutive_numbers()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Busy");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? set.Member : set.Admin).Client.PostAsJsonAsync(QuoteApi.DealQuotes(set.Org.Slug, deal), new { items = QuoteApi.FixtureItems })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var numbers = new List<int>();
        foreach (var response in responses)
        {
            numbers.Add((await response.JsonAsync()).GetProperty("number").GetInt32());
        }

        Assert.Equal(Enumerable.Range(1, 8), numbers.Order());
    }

    [Fact]
    public async Task Quotes_are_pro_writes_and_pdfs_but_reads_stay_open_and_viewers_only_read()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Deal");
        var quote = (await set.Member.CreateQuoteOkAsync(set.Org.Slug, deal)).GetProperty("id").GetGuid();

        await (await set.Viewer.Client.PostAsJsonAsync(QuoteApi.DealQuotes(set.Org.Slug, deal), new { items = QuoteApi.FixtureItems })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await set.Viewer.Client.DeleteAsync(QuoteApi.Quote(set.Org.Slug, quote))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await set.Viewer.Client.GetAsync($"{QuoteApi.Quote(set.Org.Slug, quote)}/pdf")).StatusCode);

        var free = await factory.CreateOrgWithRolesAsync();
        var freeDeal = await free.Member.CreateDealIdAsync(free.Org.Slug, "Free deal");
        await (await free.Member.Client.PostAsJsonAsync(QuoteApi.DealQuotes(free.Org.Slug, freeDeal), new { items = QuoteApi.FixtureItems })).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal(HttpStatusCode.OK, (await free.Member.Client.GetAsync(QuoteApi.DealQuotes(free.Org.Slug, freeDeal))).StatusCode);
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from crm.quotes where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.quotes where org_id = @Id", new { free.Org.Id }));
    }

    [Fact]
    public async Task A_downgraded_org_reads_its_quotes_but_gets_no_pdf()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Deal");
        var quote = (await set.Member.CreateQuoteOkAsync(set.Org.Slug, deal)).GetProperty("id").GetGuid();
        await factory.ExecuteOwnerAsync(
            """
            update organizations.subscriptions s set plan_key = 'free'
             where s.org_id = (select o.id from organizations.organizations o where o.billing_owner_user_id = @Id and o.type = 'personal')
            """,
            new { set.Owner.Id });

        Assert.Equal(HttpStatusCode.OK, (await set.Member.Client.GetAsync(QuoteApi.Quote(set.Org.Slug, quote))).StatusCode);
        await (await set.Member.Client.GetAsync($"{QuoteApi.Quote(set.Org.Slug, quote)}/pdf")).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
    }

    [Theory]
    [InlineData("GET", "/quotes/{quote}")]
    [InlineData("GET", "/quotes/{quote}/pdf")]
    [InlineData("DELETE", "/quotes/{quote}")]
    [InlineData("GET", "/deals/{deal}/quotes")]
    [InlineData("POST", "/deals/{deal}/quotes")]
    public async Task Another_orgs_ids_are_not_found_and_change_nothing(string method, string path)
    {
        var a = await factory.CreateStrangerAsync("pro");
        var b = await factory.CreateStrangerAsync("pro");
        var deal = await b.User.CreateDealIdAsync(b.Org.Slug, "B deal");
        var quote = (await b.User.CreateQuoteOkAsync(b.Org.Slug, deal)).GetProperty("id").GetGuid();
        var resolved = path.Replace("{quote}", quote.ToString(), StringComparison.Ordinal).Replace("{deal}", deal.ToString(), StringComparison.Ordinal);
        var before = await SnapshotAsync(b.Org.Id);

        foreach (var slug in new[] { a.Org.Slug, b.Org.Slug })
        {
            var url = $"/api/v1/orgs/{slug}{resolved}";
            var response = method switch
            {
                "GET" => await a.User.Client.GetAsync(url),
                "DELETE" => await a.User.Client.DeleteAsync(url),
                _ => await a.User.Client.PostAsJsonAsync(url, new { items = QuoteApi.FixtureItems }),
            };
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await SnapshotAsync(b.Org.Id));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.quotes where org_id = @Id", new { a.Org.Id }));
    }

    public static TheoryData<string, string> BadQuotes => new()
    {
        { "items", """{"items":[]}""" },
        { "items", """{}""" },
        { "items", "{\"items\":[" + string.Join(',', Enumerable.Repeat("""{"description":"x","quantity":1,"unitPrice":1}""", 201)) + "]}" },
        { "items[0].description", """{"items":[{"description":"Nul\u0000","quantity":1,"unitPrice":1}]}""" },
        { "items[0].description", "{\"items\":[{\"description\":\"" + new string('d', 10_000) + "\",\"quantity\":1,\"unitPrice\":1}]}" },
        { "items[1].unitPrice", """{"items":[{"description":"ok","quantity":1,"unitPrice":1},{"description":"x","quantity":1,"unitPrice":-0.01}]}""" },
        { "items[0].unitPrice", """{"items":[{"description":"x","quantity":1,"unitPrice":1.001}]}""" },
        { "items[0].quantity", """{"items":[{"description":"x","quantity":0,"unitPrice":1}]}""" },
        { "items[0].discountPercent", """{"items":[{"description":"x","quantity":1,"unitPrice":1,"discountPercent":100.01}]}""" },
        { "items[0].taxPercent", """{"items":[{"description":"x","quantity":1,"unitPrice":1,"taxPercent":-1}]}""" },
        { "currency", """{"currency":"eur","items":[{"description":"x","quantity":1,"unitPrice":1}]}""" },
        { "currency", """{"currency":"XYZ","items":[{"description":"x","quantity":1,"unitPrice":1}]}""" },
        { "validUntil", """{"validUntil":"2001-01-01","items":[{"description":"x","quantity":1,"unitPrice":1}]}""" },
        { "title", "{\"title\":\"" + new string('t', 10_000) + "\",\"items\":[{\"description\":\"x\",\"quantity\":1,\"unitPrice\":1}]}" },
    };

    [Theory]
    [MemberData(nameof(BadQuotes))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string field, string body)
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var deal = await set.Member.CreateDealIdAsync(set.Org.Slug, "Deal");

        var response = await set.Member.Client.PostAsync(
            QuoteApi.DealQuotes(set.Org.Slug, deal), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal("0,0", await factory.ScalarAsync<string>(
            "select concat_ws(',', (select count(*) from crm.quotes where org_id = @Id), (select count(*) from crm.quote_numbers where org_id = @Id))", new { set.Org.Id }));
    }

    private Task<string> SnapshotAsync(Guid orgId) => factory.ScalarAsync<string>(
        """
        select jsonb_build_object(
            'quotes', (select jsonb_agg(to_jsonb(q) order by q.id) from crm.quotes q where q.org_id = @orgId),
            'items', (select count(*) from crm.quote_items i where i.org_id = @orgId),
            'audit', (select count(*) from organizations.audit_logs a where a.org_id = @orgId))::text
        """,
        new { orgId });
}
