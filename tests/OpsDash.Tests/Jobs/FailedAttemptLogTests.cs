using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Jobs;

/// <summary>Issue 8: one log line per failed attempt, naming the job, never its args (they may carry sealed secrets).</summary>
public sealed class FailedAttemptLogTests(FailedAttemptLogTests.SecretArgsFactory factory) : IClassFixture<FailedAttemptLogTests.SecretArgsFactory>
{
    [Fact]
    public async Task Each_failed_attempt_logs_one_line_with_id_kind_and_error_but_not_the_args()
    {
        var secret = "v1." + Guid.NewGuid().ToString("N");
        var lines = new ConcurrentQueue<string>();
        using var logs = LoggerFactory.Create(b => b.AddProvider(new CapturingProvider(lines)));
        long? id = null;
        await factory.Services.GetRequiredService<IServiceScopeFactory>().RunAsSystemAsync(async services =>
            id = await services.GetRequiredService<JobQueue>().EnqueueAsync(new SecretArgsJob(secret), new JobOptions { Queue = "secretlog", MaxAttempts = 2 }));

        var worker = new JobWorker(new WithLogs(factory.Services, logs), new JobWorkerOptions
        {
            Queues = new() { ["secretlog"] = new JobQueueOptions() },
            PollInterval = TimeSpan.FromMilliseconds(100),
            BackoffBase = TimeSpan.FromMilliseconds(50),
        });
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            while (await factory.ScalarAsync<string>("select state from jobs.jobs where id = @id", new { id }) != "dead")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the job never died");
                await Task.Delay(20);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }

        var failures = lines.Where(l => l.Contains($"Job {id} ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Contains("(test.secret_args) attempt 1/2 failed: InvalidOperationException: the mail server refused the message", failures[0], StringComparison.Ordinal);
        Assert.Contains("attempt 2/2 failed", failures[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    public sealed record SecretArgsJob(string Link) : IJobArgs
    {
        public static string Kind => "test.secret_args";
    }

    public sealed class SecretArgsHandler : IJobHandler<SecretArgsJob>
    {
        public Task HandleAsync(SecretArgsJob args, CancellationToken ct) => throw new InvalidOperationException("the mail server refused the message");
    }

    public sealed class SecretArgsFactory : OpsDashFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddJobHandler<SecretArgsJob, SecretArgsHandler>());
        }
    }

    // The Host's services, with a logger factory that records what the worker logs.
    private sealed class WithLogs(IServiceProvider inner, ILoggerFactory logs) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? logs : inner.GetService(serviceType);
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
            lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}
