using System.Net.Http.Headers;
using System.Text.Json;

namespace OpsDash.Tests.Platform;

/// <summary>API keys as a test makes and uses them (ADR 0021).</summary>
internal static class ApiKeyApi
{
    public static string Keys(string slug) => $"/api/v1/orgs/{slug}/api-keys";

    public static async Task<(Guid Id, string Key)> CreateKeyAsync(this TestUser admin, string slug, params string[] scopes)
    {
        var response = await admin.Client.PostAsJsonAsync(Keys(slug), new { name = "CI", scopes });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("key").GetString()!);
    }

    /// <summary>A client that sends <paramref name="key"/> as <c>X-Api-Key</c>, or as <c>Authorization: Bearer</c>.</summary>
    public static HttpClient KeyClient(this OpsDashFactory factory, string key, bool bearer = false)
    {
        var client = factory.CreateClient();
        if (bearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    public static async Task<JsonElement> ListKeysAsync(this TestUser admin, string slug)
    {
        var response = await admin.Client.GetAsync(Keys(slug));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
