using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Foundation;

/// <summary>After start-up the Host holds no owner credential: not in DI, settings or configuration, not as a session.</summary>
public sealed class OwnerCredentialTests(OwnerCredentialTests.MigratingFactory factory) : IClassFixture<OwnerCredentialTests.MigratingFactory>
{
    /// <summary>Migrates on start-up (the owner connects) with a password in the URL; trust auth ignores it.</summary>
    public sealed class MigratingFactory : OpsDashFactory
    {
        public string Secret { get; } = $"owner-secret-{Guid.NewGuid():N}";

        public IServiceCollection? Registrations { get; private set; }

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Set("Database:Url", new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Password = Secret }.ConnectionString);
            Set("Database:MigrateOnStartup", "true");
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => Registrations = services);
        }
    }

    [Fact]
    public async Task No_singleton_setting_or_configuration_value_holds_the_owner_credential()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/ready")).StatusCode);
        var provider = factory.Services;

        Assert.Null(provider.GetRequiredService<DatabaseSettings>().Url);
        Assert.DoesNotContain(provider.GetRequiredService<IConfiguration>().AsEnumerable(), kv => kv.Value?.Contains(factory.Secret, StringComparison.Ordinal) == true);
        foreach (var descriptor in OurSingletons())
        {
            var instance = provider.GetService(descriptor.ServiceType);
            Assert.False(Holds(instance, factory.Secret, depth: 0, []), $"{descriptor.ServiceType} holds the owner password");
        }
    }

    [Fact]
    public async Task The_owner_has_no_session_open_once_the_host_has_started()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/ready")).StatusCode);
        var server = await TestDatabaseServer.GetAsync();
        await using var superuser = new NpgsqlConnection(server.SuperuserConnectionString);

        var sessions = await superuser.QueryAsync<string>(
            "select usename from pg_stat_activity where datname = @Database and usename is not null",
            new { new NpgsqlConnectionStringBuilder(factory.OwnerConnectionString).Database });

        Assert.DoesNotContain("opsdash_owner", sessions);
        Assert.Contains("opsdash_app", sessions);
    }

    private IEnumerable<ServiceDescriptor> OurSingletons() =>
        factory.Registrations!.Where(d => d.Lifetime == ServiceLifetime.Singleton && !d.ServiceType.IsGenericTypeDefinition
            && (d.ServiceType.Namespace?.StartsWith("OpsDash", StringComparison.Ordinal) == true
                || d.ServiceType.Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) == true));

    // Walks fields and arrays (not getters or enumerators: they may compute or touch resources) a few levels deep.
    private static bool Holds(object? value, string secret, int depth, HashSet<object> seen)
    {
        if (value is null || depth > 5 || value is Type or Delegate or Assembly || value.GetType().IsPrimitive)
        {
            return false;
        }

        if (value is string text)
        {
            return text.Contains(secret, StringComparison.Ordinal);
        }

        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return false;
        }

        if (value is Array items)
        {
            foreach (var item in items)
            {
                if (Holds(item, secret, depth + 1, seen))
                {
                    return true;
                }
            }
        }

        for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!field.FieldType.IsPointer && !field.FieldType.IsByRefLike && Holds(field.GetValue(value), secret, depth + 1, seen))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
