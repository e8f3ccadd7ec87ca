using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpsDash.Tests.Platform.Webhooks;

public static class WebhookKit
{
    public static string Hooks(string slug) => $"/api/v1/orgs/{slug}/webhooks";

    /// <summary>Creates an endpoint (expects 201); returns its id and the secret shown once.</summary>
    public static async Task<(Guid Id, string Secret)> CreateEndpointAsync(this TestUser admin, string slug, string url, string[]? eventTypes = null, string[]? changedFields = null)
    {
        var response = await admin.Client.PostAsJsonAsync(Hooks(slug), new { url, description = "test receiver", eventTypes = eventTypes ?? ["webhook.test"], changedFields });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return (body.GetProperty("endpoint").GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> SendTestAsync(this TestUser admin, string slug, Guid endpointId)
    {
        var response = await admin.Client.PostAsync($"{Hooks(slug)}/{endpointId}/test", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<List<JsonElement>> AttemptsAsync(this TestUser admin, string slug, Guid endpointId, string query = "")
    {
        var response = await admin.Client.GetAsync($"{Hooks(slug)}/{endpointId}/attempts{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.JsonAsync()).GetProperty("items").EnumerateArray()];
    }

    /// <summary>
    /// The Standard Webhooks check written from the spec, not with the package that signs: the key is the base64 after
    /// <c>whsec_</c>, the signed content <c>id.timestamp.body</c> over the exact bytes received, HMAC-SHA256, <c>v1,</c>base64.
    /// </summary>
    public static bool SignedWith(this ReceivedWebhook request, string secret)
    {
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var prefix = Encoding.UTF8.GetBytes($"{request.Header("webhook-id")}.{request.Header("webhook-timestamp")}.");
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, prefix.Concat(request.Body).ToArray()));
        return request.Header("webhook-signature").Split(' ').Contains(expected, StringComparer.Ordinal);
    }

    public static JsonElement Json(this ReceivedWebhook request) => JsonDocument.Parse(request.Body).RootElement;
}
