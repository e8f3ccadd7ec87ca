using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Tests.Crm.Enrichment;

/// <summary>The Host with a Clearbit key, pointed at <see cref="FakeClearbit"/> (allow-listed for the outbound client), recording <c>company.enriched</c>.</summary>
public sealed class ClearbitEnrichmentFactory : OpsDashFactory
{
    public const string ApiKey = "sk_test_enrich_5b1d";

    public FakeClearbit Clearbit { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Clearbit = await FakeClearbit.StartAsync();
        Set("Crm:Clearbit:ApiKey", ApiKey);
        Set("Crm:Clearbit:BaseUrl", Clearbit.Server.BaseUrl.ToString());
        Set("Outbound:AllowedEndpoints:0", Clearbit.Server.Endpoint);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Clearbit.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddEventHandler<CompanyEnriched, NoOpSubscriber>(CrmEventsFactory.Subscriber));
    }

    private sealed class NoOpSubscriber : IIntegrationEventHandler<CompanyEnriched>
    {
        public Task HandleAsync(CompanyEnriched message, Guid eventId, CancellationToken ct) => Task.CompletedTask;
    }
}

/// <summary>The Host as shipped: no Clearbit key, so enrichment fills the deterministic fallback.</summary>
public sealed class NoKeyEnrichmentFactory : OpsDashFactory;

internal static class EnrichmentRuns
{
    public static string Enrich(string slug, Guid companyId) => $"{CrmApi.Companies(slug)}/{companyId}/enrich";

    /// <summary>Posts enrich (expects 202) and returns the job id.</summary>
    public static async Task<long> EnrichAsync(this TestUser user, string slug, Guid companyId)
    {
        var response = await user.Client.PostAsync(Enrich(slug, companyId), null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("jobId").GetInt64();
    }

    /// <summary>Runs a job worker until job <paramref name="jobId"/> is final; returns its state and attempts.</summary>
    public static async Task<(string State, int Attempt)> RunUntilFinalAsync(this OpsDashFactory factory, long jobId)
    {
        var worker = new JobWorker(factory.Services, new JobWorkerOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            BackoffBase = TimeSpan.FromMilliseconds(50),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var state = await factory.ScalarAsync<string>("select state from jobs.jobs where id = @jobId", new { jobId });
                if (state is "completed" or "dead" or "cancelled")
                {
                    return (state, await factory.ScalarAsync<int>("select attempt from jobs.jobs where id = @jobId", new { jobId }));
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"job {jobId} is still {state}");
                await Task.Delay(50);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }

    /// <summary>Moves the company's last enrichment request back past the default cool-down (24 hours), as if a day had passed.</summary>
    public static Task EndCooldownAsync(this OpsDashFactory factory, Guid companyId) =>
        factory.ExecuteOwnerAsync(
            "update crm.company_enrichment_requests set requested_at = requested_at - interval '25 hours' where company_id = @companyId", new { companyId });

    public static Task<long> EnrichJobsAsync(this OpsDashFactory factory, Guid companyId) =>
        factory.ScalarAsync<long>("select count(*) from jobs.jobs where kind = 'crm.enrich_company' and args ->> 'companyId' = @id", new { id = companyId.ToString() });

    public static async Task<Guid> CreateCompanyAsync(this TestUser user, string slug, string name, string? domain, string? industry = null)
    {
        var response = await user.Client.PostAsJsonAsync(CrmApi.Companies(slug), new { name, domain, industry });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }
}
