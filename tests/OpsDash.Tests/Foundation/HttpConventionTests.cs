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
        var response = await factory.CreateClient().GetAsync("/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
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
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/signup",
            new { email = $"camel-{Guid.NewGuid():N}@example.test", password = TestUsers.DefaultPassword });

        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"userId\"", text, StringComparison.Ordinal);
        Assert.Contains("\"accessToken\"", text, StringComparison.Ordinal);
    }
}

public sealed class RateLimitTests(RateLimitTests.StrictFactory factory) : IClassFixture<RateLimitTests.StrictFactory>
{
    public sealed class StrictFactory : OpsDashFactory
    {
        public StrictFactory() => Set("RateLimiting:Auth:PermitLimit", "3");
    }

    [Fact]
    public async Task Past_the_limit_the_api_answers_429_with_retry_after()
    {
        var client = factory.CreateClient();
        var login = new { email = "nobody@example.test", password = "whatever-it-is" };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/auth/login", login)).StatusCode);
        }

        var limited = await client.PostAsJsonAsync("/api/v1/auth/login", login);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After missing");
    }
}

public sealed class ReadinessTests(ReadinessTests.PendingScriptFactory factory) : IClassFixture<ReadinessTests.PendingScriptFactory>
{
    /// <summary>A Host whose scripts folder holds one script the database has not applied.</summary>
    public sealed class PendingScriptFactory : OpsDashFactory
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var folder = Directory.CreateTempSubdirectory("opsdash-pending-").FullName;
            foreach (var file in Directory.GetFiles(TestDatabaseServer.ScriptsPath, "*.sql"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "9999_pending.sql"), "select 1;\n");
            Set("Database:ScriptsPath", folder);
        }
    }

    [Fact]
    public async Task Ready_is_503_while_a_migration_is_pending_but_live_stays_200()
    {
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
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
