using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Platform.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>Outbound webhooks (issue 19, ADR 0020): Enterprise's, managed by owners and admins.</summary>
internal static class WebhookRoutes
{
    public const string Feature = "platform:webhooks";

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(WebhookOptions.SectionName).Get<WebhookOptions>() ?? new WebhookOptions();
        if (options.Timeout <= TimeSpan.Zero || options.MaxConcurrentPerEndpoint < 1 || options.Schedule.Any(s => s < TimeSpan.Zero))
        {
            throw new InvalidOperationException($"{WebhookOptions.SectionName}: Timeout must be positive, MaxConcurrentPerEndpoint at least 1, RetrySchedule waits not negative.");
        }

        services.AddSingleton(options);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<EndpointLimiter>();
        services.AddScoped<WebhookDelivery>();
        services.AddScoped<IWebhookSender, WebhookSender>();
        services.AddJobHandler<DeliverWebhookJob, DeliverWebhook>(timeout: options.Timeout + TimeSpan.FromSeconds(30));
        services.AddEventHandler<LeadCreated, FanOutWebhooks<LeadCreated>>("webhooks");
        services.AddEventHandler<LeadConverted, FanOutWebhooks<LeadConverted>>("webhooks");
        services.AddEventHandler<DealStageChanged, FanOutWebhooks<DealStageChanged>>("webhooks");
        services.AddEventHandler<DealWon, FanOutWebhooks<DealWon>>("webhooks");
        services.AddEventHandler<DealLost, FanOutWebhooks<DealLost>>("webhooks");
        services.AddEventHandler<ContactCreated, FanOutWebhooks<ContactCreated>>("webhooks");
        services.AddEventHandler<ContactUpdated, FanOutWebhooks<ContactUpdated>>("webhooks");
        services.AddEventHandler<TaskCreated, FanOutWebhooks<TaskCreated>>("webhooks");
        services.AddEventHandler<TaskStatusChanged, FanOutWebhooks<TaskStatusChanged>>("webhooks");
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var hooks = app.MapOrgGroup()
            .WithTag("Webhooks", "Outbound webhooks to the Standard Webhooks spec: endpoints, their secrets, the delivery log (Enterprise; owners and admins).")
            .RequireOrgAdmin()
            .RequireFeature(Feature);
        CreateWebhookEndpoint.Map(hooks);
        ListWebhookEndpoints.Map(hooks);
        GetWebhookEndpoint.Map(hooks);
        UpdateWebhookEndpoint.Map(hooks);
        DeleteWebhookEndpoint.Map(hooks);
        RotateWebhookSecret.Map(hooks);
        SendTestWebhook.Map(hooks);
        ListEndpointAttempts.Map(hooks);
        ListEventAttempts.Map(hooks);
        RedeliverWebhook.Map(hooks);
        RedeliverFailedWebhooks.Map(hooks);
        RotateSigningSecret.Map(hooks);
    }
}
