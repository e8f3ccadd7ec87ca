using System.Net.Http.Headers;
using System.Text.Json;

namespace OpsDash.Tests.Infrastructure;

/// <summary>A signed-up user with an HttpClient that sends its access token.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, string PersonalSlug, string AccessToken, string RefreshToken, HttpClient Client);

public static class TestUsers
{
    public const string DefaultPassword = "correct horse battery";

    /// <summary>Signs up a fresh user through the real endpoint and returns an authenticated client.</summary>
    public static async Task<TestUser> SignUpAsync(this OpsDashFactory factory, string? name = null, string password = DefaultPassword)
    {
        var email = $"{name ?? "user"}-{Guid.NewGuid():N}@example.test";
        var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/signup", new { email, password, fullName = name ?? "Test User" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var tokens = body.GetProperty("tokens");
        var access = tokens.GetProperty("accessToken").GetString()!;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        return new TestUser(
            body.GetProperty("userId").GetGuid(),
            email,
            password,
            body.GetProperty("personalOrgSlug").GetString()!,
            access,
            tokens.GetProperty("refreshToken").GetString()!,
            client);
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
