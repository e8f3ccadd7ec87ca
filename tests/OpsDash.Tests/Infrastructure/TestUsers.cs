using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OpsDash.Tests.Infrastructure;

/// <summary>A signed-up user with an HttpClient that sends its access token.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, string PersonalSlug, string AccessToken, string RefreshToken, HttpClient Client);

public static class TestUsers
{
    public const string DefaultPassword = "correct horse battery";

    /// <summary>
    /// Signs up a fresh user through the real endpoints (signup, the emailed verification link unless
    /// <paramref name="verifyEmail"/> is false, login) and returns an authenticated client.
    /// </summary>
    public static async Task<TestUser> SignUpAsync(this OpsDashFactory factory, string? name = null, string password = DefaultPassword, bool verifyEmail = true)
    {
        var email = $"{name ?? "user"}-{Guid.NewGuid():N}@example.test";
        var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/signup", new { email, password, fullName = name ?? "Test User" });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        if (verifyEmail)
        {
            var verify = await anonymous.PostAsJsonAsync("/api/v1/auth/verify-email", new { token = await factory.EmailedTokenAsync(email, "email.verify_email", "sealedVerifyUrl") });
            Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        }

        var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        var access = tokens.GetProperty("accessToken").GetString()!;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        return new TestUser(
            me.GetProperty("id").GetGuid(),
            email,
            password,
            me.GetProperty("currentOrgSlug").GetString()!,
            access,
            tokens.GetProperty("refreshToken").GetString()!,
            client);
    }

    /// <summary>The token at the end of the (sealed) link in the newest queued email job for event <paramref name="type"/> to <paramref name="email"/>.</summary>
    public static async Task<string> EmailedTokenAsync(this OpsDashFactory factory, string email, string type, string sealedLinkField)
    {
        await using var db = await factory.OpenOwnerAsync();
        var sealedLink = await db.ExecuteScalarAsync<string>(
            "select args->>@sealedLinkField from jobs.jobs where kind = @kind and args->>'to' = @email order by id desc limit 1",
            new { sealedLinkField, kind = type + ".send_email", email = email.ToLowerInvariant() });
        Assert.False(string.IsNullOrEmpty(sealedLink), $"no {type} email to {email}");
        var link = factory.Services.GetRequiredService<OpsDash.SharedKernel.Security.SecretBox>().Open(sealedLink!);
        return link[(link.LastIndexOf('/') + 1)..];
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a problem+json response with the given status and stable error code.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }
}
