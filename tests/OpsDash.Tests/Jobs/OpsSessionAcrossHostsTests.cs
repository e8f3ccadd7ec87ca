using OpsDash.Host.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OpsDash.Tests.Jobs;

/// <summary>
/// Issue 17: two Hosts behind a balancer. The /ops cookie and its antiforgery token are sealed with the
/// Data Protection key ring both read from PostgreSQL, and the session behind the cookie lives there too.
/// </summary>
public sealed class OpsSessionAcrossHostsTests(OpsDashFactory first) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_cookie_from_one_Host_works_on_the_other_and_signing_out_there_ends_it_on_both()
    {
        var op = await first.SignUpAsync("operator");
        await first.MakeOperatorAsync(op);
        var browser = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var login = await browser.GetAsync("/ops/login");
        var signIn = await browser.PostAsync("/ops/login", new FormUrlEncodedContent(
        [
            new("csrf", OpsJobsPageTests.Token(await login.Content.ReadAsStringAsync())),
            new("email", op.Email),
            new("password", op.Password),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = OpsCookies.From(login, signIn);

        var second = new SecondHost(first.OwnerConnectionString);
        await second.InitializeAsync();
        try
        {
            await SignOutOnTheSecondHostAsync(second, cookies, op);
        }
        finally
        {
            await second.DisposeAsync();
        }

        var onFirst = await browser.GetAsync("/ops/jobs");
        Assert.Equal(HttpStatusCode.Redirect, onFirst.StatusCode);
        Assert.Equal("/ops/login", onFirst.Headers.Location!.OriginalString);
        Assert.Equal(1, await first.ScalarAsync<long>("select count(*) from keyring.data_protection_keys"));
    }

    private static async Task SignOutOnTheSecondHostAsync(SecondHost second, string cookies, TestUser op)
    {
        var onSecond = OpsCookies.Client(second, cookies);
        var page = await onSecond.GetAsync("/ops/jobs");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(op.Email, html, StringComparison.OrdinalIgnoreCase);

        // The first Host's antiforgery cookie and the second Host's form token make a valid pair too.
        var logout = await onSecond.PostAsync("/ops/logout", OpsJobsPageTests.Form(OpsJobsPageTests.Token(html)));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/ops/login", logout.Headers.Location!.OriginalString);
    }

    /// <summary>
    /// Another Host on the same database, installed in another folder (its content root is a link to the
    /// Host's): Data Protection's default would isolate its keys by that path, as by machine.
    /// </summary>
    private sealed class SecondHost(string ownerConnectionString) : OpsDashFactory
    {
        private readonly string _installedAt = Path.Combine(Path.GetTempPath(), "opsdash-host-" + Guid.NewGuid().ToString("N"));

        public override Task InitializeAsync()
        {
            Set("Database:Url", ownerConnectionString);
            Set("Database:ScriptsPath", TestDatabaseServer.ScriptsPath);
            Directory.CreateSymbolicLink(_installedAt, Path.Combine(RepositoryRoot.Find(), "src", "Host"));
            return Task.CompletedTask;
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            File.Delete(_installedAt);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseContentRoot(_installedAt);
        }
    }
}
