using System.Text;
using System.Text.Json;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The document against the running API: error answers provoked on every endpoint must be the ones
/// its operation lists (status and <c>error</c> code), so the document cannot drift from the behaviour.
/// </summary>
public sealed class OpenApiAnswerTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string UnknownSlug = "no-such-org-for-openapi";

    [Fact]
    public async Task Calls_without_a_token_get_documented_answers()
    {
        await ProbeAsync(
            factory.CreateClient(), _ => true, e => e.BodyType is null ? null : RawBody(e) ?? Json("{"),
            (e, status, _) => Assert.True(e.IsAnonymous || status == 401, $"{e}: {status} without a token"));
    }

    [Fact]
    public async Task Calls_in_an_org_the_caller_cannot_see_get_a_documented_404()
    {
        var user = await factory.SignUpAsync("openapi");
        await ProbeAsync(
            user.Client, e => e.IsOrgScoped, e => e.BodyType is null ? null : RawBody(e) ?? Json("{}"),
            (e, status, error) => Assert.True(status == 404 && error == ErrorCodes.NotFound, $"{e}: {status} {error}"));
    }

    [Fact]
    public async Task Malformed_and_foreign_bodies_get_a_documented_400_and_415()
    {
        var user = await factory.SignUpAsync("openapi");
        await ProbeAsync(
            user.Client, e => e.BodyType is not null && RawBody(e) is null && !IsSignedDelivery(e), _ => Json("{\"email\": "),
            (e, status, error) => Assert.True(status == 400 && error == ErrorCodes.ValidationError, $"{e}: {status} {error}"));
        await ProbeAsync(
            user.Client, e => e.BodyType is not null && RawBody(e) is null && !IsSignedDelivery(e), _ => new StringContent("{}", Encoding.UTF8, "text/plain"),
            (e, status, error) => Assert.True(status == 415 && error == ErrorCodes.UnsupportedMediaType, $"{e}: {status} {error}"));
    }

    [Fact]
    public async Task Ids_that_are_not_ids_get_a_documented_404()
    {
        var user = await factory.SignUpAsync("openapi");
        await ProbeAsync(
            user.Client, e => e.RouteParameters.Any(p => p.ParameterPolicies.Any(c => c.Content == "guid")), e => e.BodyType is null ? null : Json("{}"),
            (e, status, error) => Assert.True(status == 404 && error == ErrorCodes.NotFound, $"{e}: {status} {error}"),
            guidValue: "not-a-guid");
    }

    [Fact]
    public async Task Errors_the_slices_and_their_sql_raise_are_documented()
    {
        var anonymous = factory.CreateClient();
        var owner = await factory.SignUpAsync("owner");
        var other = await factory.SignUpAsync("other");
        var team = await factory.CreateTeamOrgAsync(owner);
        var me = await factory.MemberIdAsync(team, owner);
        var admin = await factory.SignUpAsync("admin");
        await factory.AddMemberAsync(team, admin, "admin");
        var completedJob = await Jobs.JobRows.InsertJobAsync(factory, team.Id, "completed");
        var personal = $"/api/v1/orgs/{owner.PersonalSlug}";
        var inTeam = $"/api/v1/orgs/{team.Slug}";
        (string Template, HttpMethod Method, string Path, object? Body, HttpClient Client, int Status, string Error)[] cases =
        [
            ("/api/v1/auth/login", HttpMethod.Post, "/api/v1/auth/login", new { email = owner.Email, password = "not the password" }, anonymous, 401, ErrorCodes.Unauthorized),
            ("/api/v1/auth/refresh", HttpMethod.Post, "/api/v1/auth/refresh", new { refreshToken = "not-a-token" }, anonymous, 401, ErrorCodes.Unauthorized),
            ("/api/v1/auth/signup", HttpMethod.Post, "/api/v1/auth/signup", new { email = owner.Email, password = TestUsers.DefaultPassword }, anonymous, 202, string.Empty),
            ("/api/v1/auth/verify-email", HttpMethod.Post, "/api/v1/auth/verify-email", new { token = "not-a-token" }, anonymous, 404, ErrorCodes.NotFound),
            ("/api/v1/me/email-verification", HttpMethod.Post, "/api/v1/me/email-verification", null, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs", HttpMethod.Post, "/api/v1/orgs", new { name = "Second", slug = "second-" + Guid.NewGuid().ToString("N")[..8] }, owner.Client, 403, ErrorCodes.LimitReached),
            ("/api/v1/orgs", HttpMethod.Post, "/api/v1/orgs", new { name = "Taken", slug = team.Slug }, other.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/me/current-org", HttpMethod.Put, "/api/v1/me/current-org", new { orgId = Guid.NewGuid() }, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/orgs/{slug}", HttpMethod.Patch, personal, new { slug = team.Slug }, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}", HttpMethod.Delete, personal, null, owner.Client, 403, ErrorCodes.Forbidden),
            ("/api/v1/orgs/{slug}/leave", HttpMethod.Post, personal + "/leave", null, owner.Client, 403, ErrorCodes.Forbidden),
            ("/api/v1/orgs/{slug}/leave", HttpMethod.Post, inTeam + "/leave", null, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}/billing-owner", HttpMethod.Post, personal + "/billing-owner", new { userId = owner.Id }, owner.Client, 403, ErrorCodes.Forbidden),
            ("/api/v1/orgs/{slug}/billing-owner", HttpMethod.Post, inTeam + "/billing-owner", new { userId = other.Id }, owner.Client, 400, ErrorCodes.ValidationError),
            ("/api/v1/orgs/{slug}/billing-owner/accept", HttpMethod.Post, inTeam + "/billing-owner/accept", null, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/orgs/{slug}/billing-owner/decline", HttpMethod.Post, personal + "/billing-owner/decline", null, owner.Client, 403, ErrorCodes.Forbidden),
            ("/api/v1/orgs/{slug}/feature-flags/{featureKey}", HttpMethod.Put, inTeam + "/feature-flags/platform:audit_log", new { enabled = false }, owner.Client, 200, string.Empty),
            ("/api/v1/orgs/{slug}/audit-logs", HttpMethod.Get, inTeam + "/audit-logs", null, admin.Client, 403, ErrorCodes.FeatureUnavailable), // owners always pass
            ("/api/v1/orgs/{slug}/feature-flags/{featureKey}", HttpMethod.Put, inTeam + "/feature-flags/platform:audit_log", new { enabled = true }, owner.Client, 200, string.Empty),
            ("/api/v1/orgs/{slug}/audit-logs", HttpMethod.Get, inTeam + "/audit-logs?limit=0", null, owner.Client, 400, ErrorCodes.ValidationError),
            ("/api/v1/orgs/{slug}/features/{featureKey}", HttpMethod.Get, personal + "/features/no-such-feature", null, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/orgs/{slug}/feature-flags/{featureKey}", HttpMethod.Put, personal + "/feature-flags/no-such-feature", new { enabled = true }, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/orgs/{slug}/invitations", HttpMethod.Post, personal + "/invitations", new { email = "a@example.test", role = "member" }, owner.Client, 403, ErrorCodes.Forbidden),
            ("/api/v1/orgs/{slug}/invitations", HttpMethod.Post, inTeam + "/invitations", new { email = owner.Email, role = "member" }, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}/invitations", HttpMethod.Post, inTeam + "/invitations", new { email = "b@example.test", role = "member" }, owner.Client, 201, string.Empty),
            ("/api/v1/orgs/{slug}/invitations", HttpMethod.Post, inTeam + "/invitations", new { email = "d@example.test", role = "member" }, owner.Client, 403, ErrorCodes.LimitReached),
            ("/api/v1/orgs/{slug}/members/{memberId}", HttpMethod.Patch, $"{inTeam}/members/{me}", new { role = "admin" }, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}/members/{memberId}", HttpMethod.Delete, $"{inTeam}/members/{me}", null, owner.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}/invitations/{invitationId}", HttpMethod.Delete, $"{inTeam}/invitations/{Guid.NewGuid()}", null, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/invitations/{token}/accept", HttpMethod.Post, "/api/v1/invitations/not-a-token/accept", null, owner.Client, 404, ErrorCodes.NotFound),
            ("/api/v1/orgs/{slug}/jobs", HttpMethod.Get, inTeam + "/jobs?state=nope", null, admin.Client, 400, ErrorCodes.ValidationError),
            ("/api/v1/orgs/{slug}/jobs/{id}/retry", HttpMethod.Post, $"{inTeam}/jobs/{completedJob}/retry", null, admin.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/orgs/{slug}/jobs/{id}/discard", HttpMethod.Post, $"{inTeam}/jobs/{completedJob}/discard", null, admin.Client, 409, ErrorCodes.Conflict),
            ("/api/v1/ops/jobs/summary", HttpMethod.Get, "/api/v1/ops/jobs/summary", null, owner.Client, 403, ErrorCodes.Forbidden),
        ];

        var (document, _) = await OpenApiAssert.ReadAsync(factory);
        foreach (var (template, method, path, body, client, expected, expectedError) in cases)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expected, $"{method} {path}: expected {expected}, got {(int)response.StatusCode} {text}");
            if (expected < 400)
            {
                continue;
            }

            var error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
            Assert.Equal(expectedError, error);
            var operation = document.Paths[template].Operations![method];
            AssertDocumented(operation, $"{method} {template}", expected, error);
        }
    }

    private async Task ProbeAsync(
        HttpClient client, Func<ApiEndpoint, bool> which, Func<ApiEndpoint, HttpContent?> body,
        Action<ApiEndpoint, int, string?> expect, string? guidValue = null)
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);
        var probed = 0;
        foreach (var endpoint in ApiEndpoints.All(factory.Services).Where(which))
        {
            var path = endpoint.Path;
            foreach (var parameter in endpoint.RouteParameters)
            {
                var value = parameter.Name == "slug" ? UnknownSlug
                    : endpoint.RouteParameterType(parameter.Name) == typeof(Guid) ? guidValue ?? Guid.NewGuid().ToString()
                    : "x";
                path = path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal);
            }

            using var request = new HttpRequestMessage(HttpMethod.Parse(endpoint.Method), path) { Content = body(endpoint) };
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var error = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()
                : null;
            expect(endpoint, status, error);
            AssertDocumented(OpenApiAssert.Operation(document, endpoint), endpoint.ToString(), status, error);
            probed++;
        }

        Assert.True(probed > 0, "no endpoint probed");
    }

    private static void AssertDocumented(OpenApiOperation operation, string endpoint, int status, string? error)
    {
        Assert.True(operation.Responses!.TryGetValue(status.Status(), out var response), $"{endpoint} answered {status}, which it does not document");
        Assert.True(error is not null, $"{endpoint}: {status} is not problem+json");
        Assert.True(
            response.Content?["application/problem+json"].Examples?.ContainsKey(error) == true,
            $"{endpoint} answered {status} {error}, documented: {response.Description}");
    }

    // An endpoint that reads a raw body (CSV import) gets one of the type it accepts: routing answers
    // any other type with 415 before authentication, and the org is resolved before the body is read.
    private static StringContent? RawBody(ApiEndpoint endpoint) =>
        endpoint.Endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes is [var type, ..] && type != "application/json"
            ? new StringContent("firstName\nAda\n", Encoding.UTF8, type)
            : null;

    // An inbound hook delivery's body is checked against its signature before it is parsed (ADR 0021): an unknown
    // token is 404 and an unsigned body 401, whatever the body holds. InboundHookTests covers its 400.
    internal static bool IsSignedDelivery(ApiEndpoint endpoint) => endpoint.ToString() == "POST /api/v1/hooks/{token}";

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
