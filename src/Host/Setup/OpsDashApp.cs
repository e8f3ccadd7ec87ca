using System.Text.Json;
using Carter;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Http.Json;
using OpsDash.Host.Database;
using OpsDash.Host.Schedules;
using OpsDash.Host.Setup.OpenApi;
using OpsDash.Host.Telemetry;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Email;
using OpsDash.SharedKernel.Outbound;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Security;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.Host.Setup;

/// <summary>Composition root: services, middleware order, module routes.</summary>
public static class OpsDashApp
{
    public static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        using var bootLoggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var bootLogger = bootLoggerFactory.CreateLogger("startup");

        // First: a Host that would swallow every email refuses to start before it touches the database.
        builder.Services.AddOpsDashEmail(configuration, RepositoryRoot.Find(), builder.Environment);
        var databaseSettings = configuration.GetSection("Database").Get<DatabaseSettings>() ?? new DatabaseSettings();
        var connections = await DatabaseBootstrap.PrepareAsync(databaseSettings, bootLogger);
        databaseSettings.ForgetOwnerCredential(configuration);
        var jwt = configuration.GetSection(JwtSettings.SectionName).Get<JwtSettings>() ?? new JwtSettings();
        jwt.SigningKey ??= connections.Embedded is not null
            ? DevelopmentSecrets.SigningKey()
            : throw new InvalidOperationException($"{JwtSettings.SectionName}:SigningKey is required when Database:Url is set.");

        var services = builder.Services;
        var maxBodyBytes = configuration.GetValue<long>("Limits:MaxRequestBodyBytes", 1_048_576);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBodyBytes);
        services.AddSingleton(databaseSettings);
        services.AddOpsDashDatabase(connections.App, connections.Jobs);
        services.AddOpsDashTenancy();
        services.AddOpsDashJobs(configuration);
        services.AddOpsDashSchedules(configuration);
        services.AddOpsDashOutbound(configuration, builder.Environment);
        services.AddSingleton(TimeProvider.System);
        services.AddOpsDashProblemDetails();
        services.AddOpsDashAuthentication(jwt);
        services.AddOpsDashDataProtection();
        services.AddOpsDashRateLimiting(configuration);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new NulRejectingStringConverter());
        });
        // Binding failures reach the one exception handler, which names the field (not a bare 400).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSecretPathLogging();
        var detailedRequestLog = configuration.GetValue<bool>("RequestLog:Detailed");
        services.AddHttpLogging(o =>
        {
            // Only when asked for. No path (it can carry an invitation token), query string or body;
            // headers outside the default allow-list (Authorization, Cookie) are redacted.
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestProtocol | HttpLoggingFields.RequestScheme |
                              HttpLoggingFields.RequestHeaders | HttpLoggingFields.ResponseStatusCode |
                              HttpLoggingFields.ResponseHeaders | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        services.AddOpsDashOpenApi();
        var telemetry = services.AddOpsDashTelemetry(configuration);

        var modules = ModuleLoader.LoadAll();
        foreach (var module in modules.Services)
        {
            module.AddServices(services, configuration);
        }

        // The Host names no module assembly in code, so Carter gets them and their modules explicitly
        // instead of scanning the entry assembly's dependencies. No validators and no response negotiators
        // from Carter: each module registers its validators, which the Validate<T>() filter runs (ADR 0005).
        services.AddCarter(new DependencyContextAssemblyCatalog([.. modules.Assemblies]), carter => carter
            .WithModules([.. modules.RouteModules])
            .WithEmptyValidators()
            .WithEmptyResponseNegotiators());

        var app = builder.Build();
        app.StartJobMetrics(telemetry);
        if (connections.Embedded is { } embedded && databaseSettings.Embedded.StopOnShutdown)
        {
            app.Lifetime.ApplicationStopped.Register(() => embedded.StopAsync().GetAwaiter().GetResult());
        }

        app.UseKnownProxies(configuration);
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (detailedRequestLog)
        {
            app.UseHttpLogging();
        }

        app.UseMiddleware<RequestSizeLimitMiddleware>(maxBodyBytes);
        app.UseMiddleware<NulRejectingQueryMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<TenantContextMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Only under /docs: its middleware matches every other request's path against a regex (about 3% of the
        // Host's CPU on GET /members, docs/performance.md).
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/docs"), docs => docs.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "OpsDash v1");
        }));

        var api = app.MapGroup("/api/v1")
            .WithUnitOfWork()
            .RequireRateLimiting(RateLimitPolicies.Api);
        api.MapCarter();

        foreach (var module in modules.Pages)
        {
            module.AddPages(app);
        }

        return app;
    }
}
