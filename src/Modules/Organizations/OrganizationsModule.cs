using OpsDash.Modules.Organizations.OrgData;
using OpsDash.Modules.Platform.Contracts;
using Carter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Organizations.Accounts;
using OpsDash.Modules.Organizations.Billing;
using OpsDash.Modules.Organizations.Contracts;
using OpsDash.Modules.Organizations.Workspaces;
using OpsDash.SharedKernel.Events;
using OpsDash.SharedKernel.Jobs;
using OpsDash.SharedKernel.Modules;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.Modules.Organizations;

/// <summary>Accounts (auth, profile), organizations (workspaces, plans, flags, audit log) and billing (Stripe, ADR 0022).</summary>
public sealed class OrganizationsModule : ICarterModule, IModuleServices
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(AccountSettings.SectionName).Get<AccountSettings>() ?? new AccountSettings());
        services.AddSingleton<Passwords>();
        services.AddScoped<IOrgDataSection, AuditLogDataSection>();
        services.AddScoped<Tokens>();
        services.AddSingleton(AccountLinks.From(configuration));
        services.AddScoped<EmailVerification>();
        services.AddScoped<IOrganizationDirectory, OrganizationDirectory>();
        services.AddScoped<IPasswordSignIn, PasswordSignIn>();
        services.AddValidatorsFromAssemblyContaining<OrganizationsModule>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddJobHandler<PurgeRefreshTokens, PurgeRefreshTokensHandler>();
        services.AddRecurringJob<PurgeRefreshTokens>(PurgeRefreshTokens.ScheduleName, "0 20 3 * * ?");
        services.AddEventHandler<EmailVerificationRequested, SendVerificationEmail>("send_email");
        services.AddEventHandler<SignUpAttemptedOnExistingAccount, SendExistingAccountEmail>("send_email");
        services.AddSingleton(StripeOptions.From(configuration));
        services.AddSingleton<StripeGateway>();
        services.AddScoped<StripeSubscriptionSync>();
        services.AddJobHandler<StripeEventJob, StripeEventJobHandler>();
        services.AddJobHandler<SyncStripeCustomerJob, SyncStripeCustomerHandler>();
    }

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        AccountRoutes.Map(app);
        WorkspaceRoutes.Map(app);
        BillingRoutes.Map(app);
    }
}
