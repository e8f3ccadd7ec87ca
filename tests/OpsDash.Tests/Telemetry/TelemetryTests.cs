using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;
using OpsDash.Tests.Jobs;

namespace OpsDash.Tests.Telemetry;

/// <summary>Issue 22, item 5: traces and metrics over OTLP to a real local receiver, and the operators' Prometheus endpoint.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(TelemetryFactory factory) : IClassFixture<TelemetryFactory>
{
    private const string MembersRoute = "/api/v1/orgs/{slug}/members";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_request_s_span_reaches_the_receiver_with_its_npgsql_child_span_and_its_route_as_path()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var response = await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/members?limit=5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var server = await EventuallyAsync(() => factory.Receiver.Spans().FirstOrDefault(s =>
            s.Kind == OtlpSpan.Server && s.Name == $"GET {MembersRoute}" && s.Attributes.GetValueOrDefault("http.response.status_code") == "200"));
        var children = await EventuallyAsync(() =>
            factory.Receiver.Spans().Where(s => s.TraceId == server.TraceId && s.ParentSpanId == server.SpanId && s.Scope == "Npgsql").ToList() is { Count: > 0 } found ? found : null);

        Assert.Equal(MembersRoute, server.Attributes["http.route"]);
        Assert.Equal(MembersRoute, server.Attributes["url.path"]);
        Assert.False(server.Attributes.ContainsKey("url.query"));
        Assert.False(server.Attributes.ContainsKey("client.address"));
        Assert.All(children, c => Assert.Equal(OtlpSpan.Client, c.Kind));
        Assert.Contains(children, c => c.Attributes.Values.Any(v => v.Contains("members.", StringComparison.Ordinal)));
        Assert.Empty(factory.Receiver.Refused);
    }

    [Fact]
    public async Task No_exported_span_metric_or_scrape_carries_a_slug_an_email_or_a_token()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var token = "tok" + Guid.NewGuid().ToString("N");
        var marker = "q" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/members?cursor=&search={marker}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}x/members")).StatusCode);
        var invitation = await factory.CreateClient().GetAsync($"/api/v1/invitations/{token}");
        Assert.Equal(HttpStatusCode.NotFound, invitation.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/{token}/no-such-route")).StatusCode);

        // Every span of these requests has been exported (the last one's too), and a metrics push after them.
        var invitationSpan = await EventuallyAsync(() => factory.Receiver.Spans().FirstOrDefault(s =>
            s.Kind == OtlpSpan.Server && s.Attributes.GetValueOrDefault("http.route")?.StartsWith("/api/v1/invitations/{token}", StringComparison.Ordinal) == true));
        var metricsBefore = factory.Receiver.Metrics.Count;
        await WaitUntilAsync(() => Task.FromResult(factory.Receiver.Metrics.Count > metricsBefore + 1));
        await WaitUntilAsync(() => Task.FromResult(factory.Receiver.Spans().Any(s => s.Kind == OtlpSpan.Server
            && s.Attributes.GetValueOrDefault("http.response.status_code") == "404" && !s.Attributes.ContainsKey("http.route"))));

        Assert.Equal(invitationSpan.Attributes["http.route"], invitationSpan.Attributes["url.path"]);
        var scrape = await factory.ScrapeAsync();
        var exported = factory.Receiver.Traces.Concat(factory.Receiver.Metrics).Select(Encoding.UTF8.GetString).Append(scrape).ToList();
        foreach (var secret in new[] { set.Org.Slug, token, marker, set.Owner.Email, set.Owner.AccessToken, "Password=" })
        {
            Assert.DoesNotContain(exported, body => body.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Contains("http_route=\"" + MembersRoute + "\"", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_scrape_endpoint_serves_http_npgsql_runtime_and_job_queue_metrics()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        Assert.Equal(HttpStatusCode.OK, (await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/members")).StatusCode);
        // A job due 5 minutes ago in a queue no worker runs here, and probe jobs that a worker runs (one fails).
        await factory.InsertJobAsync(set.Org.Id, "available", "telemetry.waiting");
        var run = Guid.NewGuid().ToString("N");
        await using (var worker = await StartWorkerAsync())
        {
            await EnqueueAsync(new ProbeJob(run, HoldMs: 50));
            await EnqueueAsync(new ProbeJob(run, ProbeJob.Permanent));
            await WaitUntilAsync(() => factory.ScalarAsync<bool>(
                "select count(*) = 2 from jobs.jobs where args ->> 'run' = @run and state in ('completed', 'dead')", new { run }));
        }

        var text = await EventuallyAsync(async () =>
        {
            var scrape = await factory.ScrapeAsync();
            return PrometheusText.Values(scrape, "opsdash_jobs_pending", ("kind", "telemetry.waiting"), ("queue", "visibility")).Count > 0
                && PrometheusText.Values(scrape, "opsdash_jobs_run_duration_seconds_count", ("kind", ProbeJob.Kind), ("outcome", "failed")).Count > 0 ? scrape : null;
        });

        var names = PrometheusText.Names(text);
        Assert.Contains("http_server_request_duration_seconds", names);
        Assert.NotEmpty(PrometheusText.Values(text, "http_server_request_duration_seconds_count", ("http_route", MembersRoute), ("http_response_status_code", "200")));
        Assert.Contains(names, n => n.StartsWith("db_client_", StringComparison.Ordinal));
        Assert.NotEmpty(PrometheusText.Values(text, "db_client_operation_duration_seconds_count"));
        Assert.Contains(names, n => n.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains("dotnet_process_cpu_time_seconds_total", names);

        Assert.Equal([1d], PrometheusText.Values(text, "opsdash_jobs_pending", ("kind", "telemetry.waiting"), ("queue", "visibility")));
        Assert.InRange(PrometheusText.Values(text, "opsdash_jobs_oldest_pending_age_seconds", ("kind", "telemetry.waiting")).Single(), 299, 900);
        var waitingEmails = await factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'email.verify_email.send_email' and state = 'available'");
        Assert.Equal([(double)waitingEmails], PrometheusText.Values(text, "opsdash_jobs_pending", ("kind", "email.verify_email.send_email"), ("queue", "default")));
        Assert.Equal([1d], PrometheusText.Values(text, "opsdash_jobs_run_duration_seconds_count", ("kind", ProbeJob.Kind), ("outcome", "completed"), ("queue", "telemetry")));
        Assert.Equal([1d], PrometheusText.Values(text, "opsdash_jobs_run_duration_seconds_count", ("kind", ProbeJob.Kind), ("outcome", "failed")));
        Assert.InRange(PrometheusText.Values(text, "opsdash_jobs_run_duration_seconds_sum", ("kind", ProbeJob.Kind), ("outcome", "completed")).Single(), 0.05, 30);
        Assert.Equal([2d], PrometheusText.Values(text, "opsdash_jobs_claim_delay_seconds_count", ("kind", ProbeJob.Kind), ("queue", "telemetry")));

        // The same instruments go out over OTLP.
        var pushed = await EventuallyAsync(() => factory.Receiver.Metrics.Select(Encoding.UTF8.GetString).LastOrDefault(m => m.Contains("opsdash.jobs.claim_delay", StringComparison.Ordinal)));
        foreach (var name in new[] { "http.server.request.duration", "opsdash.jobs.pending", "opsdash.jobs.run.duration", "dotnet.gc.collections" })
        {
            Assert.Contains(name, pushed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_scrape_endpoint_is_not_reachable_on_the_public_port_and_the_api_is_not_on_the_management_port()
    {
        var publicClient = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await publicClient.GetAsync("/metrics")).StatusCode);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{factory.ManagementPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await publicClient.SendAsync(spoofed)).StatusCode);
        Assert.NotEqual(factory.ManagementPort, publicClient.BaseAddress!.Port);

        using var management = new HttpClient { BaseAddress = factory.ManagementUrl };
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/v1/me")).StatusCode);
    }

    private async Task EnqueueAsync(ProbeJob job) =>
        await factory.Services.GetRequiredService<IServiceScopeFactory>().RunAsSystemAsync(
            services => services.GetRequiredService<JobQueue>().EnqueueAsync(job, new JobOptions { Queue = "telemetry", MaxAttempts = 1 }));

    private async Task<IAsyncDisposable> StartWorkerAsync()
    {
        var worker = new JobWorker(factory.Services, new JobWorkerOptions
        {
            Queues = new() { ["telemetry"] = new JobQueueOptions { Concurrency = 2 } },
            PollInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        await worker.StartAsync(CancellationToken.None);
        return new Stoppable(worker);
    }

    private async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class => await EventuallyAsync(() => Task.FromResult(probe()));

    private async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(clock.Elapsed < Patience, "timed out waiting for telemetry; server spans received: "
                + string.Join(", ", factory.Receiver.Spans().Where(s => s.Kind == OtlpSpan.Server).Select(s => $"{s.Name} {s.Attributes.GetValueOrDefault("http.response.status_code")}").Distinct()));
            await Task.Delay(200);
        }
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition) => await
        EventuallyAsync<object>(async () => await condition() ? new object() : null);

    private sealed class Stoppable(JobWorker worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}
