using System.Text.Json;

namespace OpsDash.Tests.Projects;

internal static class ProjectApi
{
    public static string Projects(string slug) => $"/api/v1/orgs/{slug}/projects";

    public static string Tasks(string slug) => $"/api/v1/orgs/{slug}/tasks";

    public static async Task<JsonElement> CreateProjectOkAsync(this TestUser user, string slug, object body)
    {
        var response = await user.Client.PostAsJsonAsync(Projects(slug), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<Guid> CreateProjectIdAsync(this TestUser user, string slug, string name = "Launch") =>
        (await user.CreateProjectOkAsync(slug, new { name })).GetProperty("id").GetGuid();

    public static async Task<JsonElement> CreateTaskOkAsync(this TestUser user, string slug, Guid project, object body)
    {
        var response = await user.Client.PostAsJsonAsync($"{Projects(slug)}/{project}/tasks", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static async Task<Guid> CreateTaskIdAsync(this TestUser user, string slug, Guid project, string title = "Task") =>
        (await user.CreateTaskOkAsync(slug, project, new { title })).GetProperty("id").GetGuid();
}
