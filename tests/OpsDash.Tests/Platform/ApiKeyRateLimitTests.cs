using OpsDash.Tests.Crm;

namespace OpsDash.Tests.Platform;

/// <summary>Each API key has its own request budget (RateLimiting:ApiKey), also under a concurrent burst.</summary>
public sealed class ApiKeyRateLimitTests(ApiKeyRateLimitTests.LimitedFactory factory) : IClassFixture<ApiKeyRateLimitTests.LimitedFactory>
{
    public sealed class LimitedFactory : OpsDashFactory
    {
        public const int Limit = 10;

        public LimitedFactory()
        {
            Set("RateLimiting:ApiKey:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("RateLimiting:ApiKey:WindowSeconds", "600");
        }
    }

    [Fact]
    public async Task A_burst_of_one_key_gets_exactly_its_limit_and_another_key_and_the_users_are_unaffected()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var (_, busy) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:read");
        var (_, other) = await set.Admin.CreateKeyAsync(set.Org.Slug, "crm:read");
        var client = factory.KeyClient(busy);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ => (await client.GetAsync(CrmApi.Contacts(set.Org.Slug))).StatusCode));

        Assert.Equal(LimitedFactory.Limit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40 - LimitedFactory.Limit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        await (await client.GetAsync(CrmApi.Contacts(set.Org.Slug))).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.OK, (await factory.KeyClient(other, bearer: true).GetAsync(CrmApi.Contacts(set.Org.Slug))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await set.Admin.Client.GetAsync(CrmApi.Contacts(set.Org.Slug))).StatusCode);
    }
}
