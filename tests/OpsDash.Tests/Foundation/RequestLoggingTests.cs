using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Tests.Foundation;

public sealed class RequestLoggingTests(RequestLoggingTests.CapturingFactory factory) : IClassFixture<RequestLoggingTests.CapturingFactory>
{
    private const string RequestLogCategory = "OpsDash.SharedKernel.Http.RequestLogMiddleware";
    private const string HttpLoggingCategory = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    public class CapturingFactory : OpsDashFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        /// <summary>Messages of the request log categories only, as "category: message".</summary>
        public List<string> RequestLines(string containing) =>
            [.. Lines.Where(l => (l.StartsWith(RequestLogCategory, StringComparison.Ordinal) || l.StartsWith(HttpLoggingCategory, StringComparison.Ordinal))
                                 && l.Contains(containing, StringComparison.Ordinal))];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(new CapturingProvider(Lines)).SetMinimumLevel(LogLevel.Trace)));
        }
    }

    [Fact]
    public async Task Requests_are_logged_without_passwords_tokens_or_query_strings()
    {
        const string password = "s3cret-Pa55word-not-for-logs";
        var email = $"logged-{Guid.NewGuid():N}@example.test";
        var client = factory.CreateClient();
        await client.PostAsJsonAsync("/api/v1/auth/signup", new { email, password });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJ-secret-bearer-value");
        await client.GetAsync("/api/v1/does-not-exist?apiKey=secret-query-value");

        var log = string.Join('\n', factory.Lines);

        Assert.Contains("/api/v1/auth/signup", log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ-secret-bearer-value", log, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-query-value", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_is_one_line_with_route_template_status_duration_user_and_round_trips()
    {
        var user = await factory.SignUpAsync("logged");

        // The first request for the org on this Host: the entry, then the query (ADR 0025).
        await user.Client.GetAsync($"/api/v1/orgs/{user.PersonalSlug}/members?secret=query-value");

        var line = Assert.Single(factory.RequestLines("/api/v1/orgs/{slug}/members"));
        Assert.StartsWith(RequestLogCategory, line, StringComparison.Ordinal);
        Assert.Matches($@": GET /api/v1/orgs/\{{slug\}}/members 200 \d+\.\d ms user={user.Id} db=2$", line);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain(user.PersonalSlug, line, StringComparison.Ordinal);
        Assert.DoesNotContain("query-value", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_the_configured_levels_routing_adds_no_line_of_its_own_per_request()
    {
        // appsettings.json sets Microsoft.AspNetCore to Warning; the secret-path floor for routing (Information) must
        // not lower it, or every request also logs "Executing endpoint" and "Executed endpoint" (issue 22, item 3).
        var user = await factory.SignUpAsync("logged");

        await user.Client.GetAsync("/api/v1/me/orgs");

        Assert.Contains(factory.RequestLines("GET /api/v1/me/orgs 200"), l => l.Contains($"user={user.Id}", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Lines, l => l.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_path_carrying_a_token_is_logged_as_its_template()
    {
        await factory.CreateClient().GetAsync("/api/v1/invitations/secret-invitation-token-value");

        Assert.Single(factory.RequestLines("/api/v1/invitations/{token}"));
        Assert.DoesNotContain("secret-invitation-token-value", string.Join('\n', factory.Lines), StringComparison.Ordinal);
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    /// <summary>Records what any provider could print: the message, the exception, and every scope's values.</summary>
    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            lines.Enqueue($"scope of {category}: {state} {values}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(exception is null ? $"{category}: {formatter(state, exception)}" : $"{category}: {formatter(state, exception)}\n{exception}");
    }
}

public sealed class DetailedRequestLoggingTests(DetailedRequestLoggingTests.DetailedFactory factory) : IClassFixture<DetailedRequestLoggingTests.DetailedFactory>
{
    public sealed class DetailedFactory : RequestLoggingTests.CapturingFactory
    {
        public DetailedFactory() => Set("RequestLog:Detailed", "true");
    }

    [Fact]
    public async Task Configuration_adds_the_detailed_form_still_without_tokens()
    {
        var user = await factory.SignUpAsync("detailed");

        await user.Client.GetAsync("/api/v1/me/orgs");

        var log = string.Join('\n', factory.Lines);
        Assert.Contains("Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware: ", log, StringComparison.Ordinal);
        Assert.Single(factory.RequestLines("GET /api/v1/me/orgs 200"));
        Assert.DoesNotContain(user.AccessToken, log, StringComparison.Ordinal);
    }
}
