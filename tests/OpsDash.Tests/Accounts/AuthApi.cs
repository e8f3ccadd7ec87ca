using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace OpsDash.Tests.Accounts;

/// <summary>Small helpers for the auth endpoints in the Accounts tests.</summary>
internal static class AuthApi
{
    public static Task<HttpResponseMessage> LogInAsync(this OpsDashFactory factory, string email, string password) =>
        factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password });

    public static Task<HttpResponseMessage> RefreshAsync(this OpsDashFactory factory, string refreshToken) =>
        factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    public static Task<HttpResponseMessage> LogOutAsync(this OpsDashFactory factory, string refreshToken) =>
        factory.CreateClient().PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken });

    /// <summary>Moves a used refresh token's use back a minute, past the reuse interval, as if time had passed.</summary>
    public static async Task AgeRefreshUseAsync(this OpsDashFactory factory, string refreshToken)
    {
        await using var owner = await factory.OpenOwnerAsync();
        await owner.ExecuteAsync(
            "update auth.refresh_tokens set used_at = used_at - interval '1 minute' where token_hash = sha256(convert_to(@refreshToken, 'UTF8'))",
            new { refreshToken });
    }

    public static async Task<(string Access, string Refresh)> TokensAsync(this HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        return (body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    public static HttpClient ClientWith(this OpsDashFactory factory, string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>The lockout policy the database enforces (auth.lockout_policy, db/scripts/0064).</summary>
    public static async Task<LockoutPolicy> LockoutPolicyAsync(this OpsDashFactory factory)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.QuerySingleAsync<LockoutPolicy>("""
            select max_failed_logins as "MaxFailedLogins", extract(epoch from base_lockout)::float8 / 60 as "BaseMinutes",
                   extract(epoch from max_lockout)::float8 / 60 as "MaxMinutes"
              from auth.lockout_policy
            """);
    }

    /// <summary>The response body without <c>traceId</c>, which differs per request by design.</summary>
    public static async Task<string> BodyWithoutTraceIdAsync(this HttpResponseMessage response)
    {
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(node.Remove("traceId"), "problem+json is expected to carry a traceId");
        return node.ToJsonString();
    }
}

internal sealed record LockoutPolicy(int MaxFailedLogins, double BaseMinutes, double MaxMinutes);
