namespace OpsDash.Tests.Members;

/// <summary>The member and invitation endpoints, called as a user would.</summary>
public static class MembersApi
{
    public static Task<HttpResponseMessage> InviteAsync(this TestUser inviter, string slug, string email, string role = "member") =>
        inviter.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/invitations", new { email, role });

    public static Task<HttpResponseMessage> ChangeRoleAsync(this TestUser caller, string slug, Guid memberId, string role) =>
        caller.Client.PatchAsJsonAsync($"/api/v1/orgs/{slug}/members/{memberId}", new { role });

    public static Task<HttpResponseMessage> RemoveAsync(this TestUser caller, string slug, Guid memberId) =>
        caller.Client.DeleteAsync($"/api/v1/orgs/{slug}/members/{memberId}");

    public static Task<HttpResponseMessage> RevokeAsync(this TestUser caller, string slug, Guid invitationId) =>
        caller.Client.DeleteAsync($"/api/v1/orgs/{slug}/invitations/{invitationId}");

    public static Task<HttpResponseMessage> AcceptAsync(this TestUser caller, string token) =>
        caller.Client.PostAsync($"/api/v1/invitations/{token}/accept", null);

    /// <summary>Invites and returns the invitation id and the token from the response's accept link.</summary>
    public static async Task<(Guid Id, string Token)> InviteOkAsync(this TestUser inviter, string slug, string email, string role = "member")
    {
        var response = await inviter.InviteAsync(slug, email, role);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var body = System.Text.Json.JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("id").GetGuid(), TokenOf(body.GetProperty("acceptUrl").GetString()!));
    }

    public static string TokenOf(string acceptUrl) => acceptUrl[(acceptUrl.LastIndexOf('/') + 1)..];

    /// <summary>The email as the signup stored it (lower case).</summary>
    public static string StoredEmail(this TestUser user) => user.Email.ToLowerInvariant();
}
