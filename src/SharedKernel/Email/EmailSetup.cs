using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OpsDash.SharedKernel.Email;

public static class EmailSetup
{
    /// <summary>SMTP when <c>Email:Smtp:Host</c> is set, else the pickup directory (relative to <paramref name="root"/>).</summary>
    public static IServiceCollection AddOpsDashEmail(this IServiceCollection services, IConfiguration configuration, string root)
    {
        var options = configuration.GetSection(EmailOptions.SectionName).Get<EmailOptions>() ?? new EmailOptions();
        services.AddSingleton(options);
        services.AddSingleton<IEmailSender>(string.IsNullOrWhiteSpace(options.Smtp.Host)
            ? new PickupDirectoryEmailSender(options, Path.GetFullPath(options.PickupDirectory, root))
            : new SmtpEmailSender(options));
        return services;
    }
}
