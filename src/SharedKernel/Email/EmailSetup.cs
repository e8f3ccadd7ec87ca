using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsDash.SharedKernel.Schedules;

namespace OpsDash.SharedKernel.Email;

public static class EmailSetup
{
    /// <summary>
    /// SMTP when <c>Email:Smtp:Host</c> is set (its settings checked here, <see cref="SmtpTls"/>), else the pickup directory (relative to <paramref name="root"/>),
    /// which every Host then purges of old files itself. In Production the pickup directory must be asked for:
    /// there it would silently swallow every email (and keep its links on disk).
    /// </summary>
    public static IServiceCollection AddOpsDashEmail(this IServiceCollection services, IConfiguration configuration, string root, IHostEnvironment environment)
    {
        var options = configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        services.AddSingleton(options);
        if (!string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            services.AddSingleton<IEmailSender>(new SmtpEmailSender(options));
            return services;
        }

        var directory = Path.GetFullPath(options.PickupDirectory, root);
        if (environment.IsProduction() && !options.AllowPickupInProduction)
        {
            throw new InvalidOperationException(
                $"{EmailOptions.SectionName}:Smtp:Host is not set, so emails would be written as .eml files to {directory} and never sent. " +
                $"In Production set {EmailOptions.SectionName}:Smtp:Host, or set {EmailOptions.SectionName}:AllowPickupInProduction=true to use the pickup directory on purpose.");
        }

        if (options.PickupRetentionDays < 1)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:PickupRetentionDays is {options.PickupRetentionDays}; it must be at least 1.");
        }

        services.AddSingleton<IEmailSender>(new PickupDirectoryEmailSender(options, directory));
        services.AddSingleton(provider => new PickupDirectoryPurge(
            directory,
            TimeSpan.FromDays(options.PickupRetentionDays),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>()?.CreateLogger<PickupDirectoryPurge>() ?? (ILogger)NullLogger.Instance));
        services.AddLocalRecurringWork(PickupDirectoryPurge.ScheduleName, PickupDirectoryPurge.Cron, (provider, _) =>
        {
            provider.GetRequiredService<PickupDirectoryPurge>().Run();
            return Task.CompletedTask;
        });
        return services;
    }
}
