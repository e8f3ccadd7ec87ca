using System.Text;

namespace OpsDash.Tests.Foundation;

public sealed class HttpConventionTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200(string path)
    {
        var response = await factory.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_module_routes()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/v1/auth/signup", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_explorer_page_is_served_at_docs()
    {
        foreach (var path in new[] { "/docs/index.html", "/docs" })
        {
            var response = await factory.CreateClient().GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Unknown_route_is_problem_json_not_found()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/does-not-exist");

        var body = await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.True(body.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_validation_problem()
    {
        var content = new StringContent("{\"email\": ", Encoding.UTF8, "application/json");

        var response = await factory.CreateClient().PostAsync("/api/v1/auth/signup", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413()
    {
        var content = new StringContent(new string('x', 1_048_577), Encoding.UTF8, "application/json");

        var response = await factory.CreateClient().PostAsync("/api/v1/auth/signup", content);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Json_is_camel_case()
    {
        var user = await factory.SignUpAsync("camel");

        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });

        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"accessToken\"", text, StringComparison.Ordinal);
        Assert.Contains("\"refreshToken\"", text, StringComparison.Ordinal);
    }
}

public sealed class InvalidIndexReadinessTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Ready_is_503_with_the_reason_when_an_index_is_invalid()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await MigrationTests.LeaveInvalidIndexAsync(owner);
        }

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("organizations.plan_limits_one_per_plan is invalid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
