using System.Text;

namespace OpsDash.Tests.Hardening;

/// <summary>Issue 7, input: a NUL byte or an oversized value is a 400 naming the field, never a 500; a wrong media type has its own code.</summary>
public sealed class HostileInputTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    public static TheoryData<string, string, string> NulBodies => new()
    {
        { "/api/v1/auth/signup", """{"email":"a\u0000b@example.test","password":"correct horse battery"}""", "email" },
        { "/api/v1/auth/signup", """{"email":"nul@example.test","password":"correct horse\u0000battery","fullName":"x"}""", "password" },
        { "/api/v1/auth/signup", """{"email":"nul2@example.test","password":"correct horse battery","fullName":"Ann\u0000"}""", "fullName" },
        { "/api/v1/auth/login", """{"email":"x\u0000@example.test","password":"whatever"}""", "email" },
        { "/api/v1/auth/login", """{"email":"x@example.test","password":"\u0000"}""", "password" },
        { "/api/v1/auth/refresh", """{"refreshToken":"abc\u0000"}""", "refreshToken" },
    };

    [Theory]
    [MemberData(nameof(NulBodies))]
    public async Task A_nul_character_in_an_anonymous_body_is_a_400_naming_the_field(string path, string json, string field)
    {
        var response = await factory.CreateClient().PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_nul_character_in_authenticated_bodies_and_query_strings_is_a_400()
    {
        var user = await factory.SignUpAsync("nul");
        var team = await user.CreateTeamOrgAsync();

        var create = await user.Client.PostAsync("/api/v1/orgs", new StringContent("""{"name":"Bad\u0000Org"}""", Encoding.UTF8, "application/json"));
        Assert.True((await create.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("name", out _));
        var patch = await user.Client.PatchAsync($"/api/v1/orgs/{team.Slug}", new StringContent("""{"name":"x\u0000"}""", Encoding.UTF8, "application/json"));
        await patch.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var profile = await user.Client.PatchAsync("/api/v1/me", new StringContent("""{"fullName":"x\u0000"}""", Encoding.UTF8, "application/json"));
        await profile.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var invite = await user.Client.PostAsync($"/api/v1/orgs/{team.Slug}/invitations", new StringContent("""{"email":"a@b.test","role":"mem\u0000ber"}""", Encoding.UTF8, "application/json"));
        Assert.True((await invite.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("role", out _));
        var query = await user.Client.GetAsync($"/api/v1/orgs/{team.Slug}/audit-logs?action=member%00.invited");
        Assert.True((await query.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error")).GetProperty("errors").TryGetProperty("action", out _));

        Assert.Equal("Team " + team.Slug, await factory.ScalarAsync<string>("select name from organizations.organizations where id = @Id", new { team.Id }));
    }

    [Fact]
    public async Task Ten_thousand_characters_are_a_400_on_every_text_field_of_signup_and_org_creation()
    {
        var big = new string('a', 10_000);
        var client = factory.CreateClient();
        await (await client.PostAsJsonAsync("/api/v1/auth/signup", new { email = big + "@example.test", password = "correct horse battery" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await client.PostAsJsonAsync("/api/v1/auth/signup", new { email = $"big-{Guid.NewGuid():N}@example.test", password = big }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "x@example.test", password = big }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var user = await factory.SignUpAsync("big");
        await (await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = big })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "ok", slug = big })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task A_wrong_media_type_is_415_unsupported_media_type()
    {
        var response = await factory.CreateClient().PostAsync("/api/v1/auth/login", new StringContent("email=x", Encoding.UTF8, "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }
}
