using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Tests.Foundation;

public sealed class RequestLoggingTests(RequestLoggingTests.CapturingFactory factory) : IClassFixture<RequestLoggingTests.CapturingFactory>
{
    public sealed class CapturingFactory : OpsDashFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

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

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + " " + state);
    }
}
