using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsDash.SharedKernel.Database;

namespace OpsDash.SharedKernel.Security;

public static class DataProtectionSetup
{
    /// <summary>
    /// One key ring for every Host, in PostgreSQL, its secrets sealed with the signing key's <see cref="SecretBox"/>
    /// (ADR 0019). The application name, not the content root (Data Protection's default), isolates it,
    /// so Hosts installed in different folders share it.
    /// </summary>
    public static IServiceCollection AddOpsDashDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("OpsDash");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new PostgresXmlRepository(provider.GetRequiredService<JobsDataSource>());
            o.XmlEncryptor = new SealedXmlEncryptor(provider.GetRequiredService<SecretBox>());
        }));
        return services;
    }
}
