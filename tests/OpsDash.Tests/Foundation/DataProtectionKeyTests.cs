using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Security;

namespace OpsDash.Tests.Foundation;

/// <summary>Issue 17, ADR 0019: the shared Data Protection key ring is a secret; who can read it, and what a reader of the table gets.</summary>
public sealed class DataProtectionKeyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_key_ring_is_in_the_database_with_its_secret_sealed_by_the_Hosts_signing_key()
    {
        var protector = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var payload = protector.Protect("hello");

        await using var owner = await factory.OpenOwnerAsync();
        var xml = (await owner.QueryAsync<string>("select xml from keyring.data_protection_keys")).ToList();

        Assert.Equal("hello", protector.Unprotect(payload));
        var key = XElement.Parse(Assert.Single(xml));
        Assert.Equal("key", key.Name.LocalName);
        Assert.DoesNotContain("masterKey", xml[0], StringComparison.Ordinal);
        var sealedSecret = key.Descendants("sealed").Single().Value;
        var opened = XElement.Parse(new SecretBox(new JwtSettings { SigningKey = OpsDashFactory.SigningKey }).Open(sealedSecret));
        Assert.Equal("masterKey", opened.Name.LocalName);
        Assert.NotEmpty(opened.Descendants().Single(e => e.Name.LocalName == "value").Value);
    }

    [Fact]
    public async Task Requests_cannot_reach_the_keys_and_neither_can_work_in_a_tenant_or_system_context()
    {
        _ = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");

        await using var app = await factory.OpenAppAsync();
        var appRead = await Assert.ThrowsAsync<PostgresException>(() => app.QueryAsync<string>("select xml from keyring.read_keys()"));
        var appTable = await Assert.ThrowsAsync<PostgresException>(() => app.QueryAsync<string>("select xml from keyring.data_protection_keys"));
        var appStore = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync("select keyring.store_key('k', '<key/>')"));

        await using var jobs = await factory.OpenJobsAsync();
        var jobsTable = await Assert.ThrowsAsync<PostgresException>(() => jobs.QueryAsync<string>("select xml from keyring.data_protection_keys"));
        var asSystem = await InContextAsync(jobs, "app.system", "on");
        var asUser = await InContextAsync(jobs, "app.user_id", Guid.NewGuid().ToString());
        var asOrg = await InContextAsync(jobs, "app.org_id", Guid.NewGuid().ToString());
        var bare = (await jobs.QueryAsync<string>("select xml from keyring.read_keys()")).ToList();

        Assert.All([appRead, appTable, appStore, jobsTable, asSystem, asUser, asOrg], e => Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState));
        Assert.NotEmpty(bare);
    }

    private static async Task<PostgresException> InContextAsync(NpgsqlConnection jobs, string setting, string value)
    {
        await using var tx = await jobs.BeginTransactionAsync();
        await jobs.ExecuteAsync("select set_config(@setting, @value, true)", new { setting, value }, tx);
        return await Assert.ThrowsAsync<PostgresException>(() => jobs.QueryAsync<string>("select xml from keyring.read_keys()", transaction: tx));
    }
}
