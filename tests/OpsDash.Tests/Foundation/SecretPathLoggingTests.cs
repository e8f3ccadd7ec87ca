using OpsDash.SharedKernel.Security;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// Issue 17: an invitation link's token is a secret, and it is part of the path
/// (<c>/invitations/{token}</c>). Whatever an operator turns the log levels up to, no log line, scope or
/// logged exception carries it: not the request log, not ASP.NET's own logs (hosting, routing, HTTP
/// logging), not the exception handler's line for a 500.
/// </summary>
public sealed class SecretPathLoggingTests(SecretPathLoggingTests.EverythingFactory factory) : IClassFixture<SecretPathLoggingTests.EverythingFactory>
{
    public sealed class EverythingFactory : RequestLoggingTests.CapturingFactory
    {
        public EverythingFactory()
        {
            // Every category at Trace, as an operator chasing a problem might set it.
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing" })
            {
                Set($"Logging:LogLevel:{category}", "Trace");
            }

            Set("RequestLog:Detailed", "true");
        }
    }

    [Fact]
    public async Task A_500_on_an_invitation_link_logs_the_error_with_the_route_template_and_never_the_token()
    {
        var user = await factory.SignUpAsync("logged");
        var tokens = new[] { OneTimeTokens.Create().Token, OneTimeTokens.Create().Token };
        factory.Lines.Clear();

        await factory.ExecuteOwnerAsync("""
            alter function members.get_invitation_by_token(bytea) rename to get_invitation_by_token_broken;
            alter function members.accept_invitation(bytea) rename to accept_invitation_broken;
            """);
        try
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/invitations/{tokens[0]}");
            get.Headers.Referrer = new Uri($"http://127.0.0.1:5080/invitations/{tokens[0]}");
            Assert.Equal(HttpStatusCode.InternalServerError, (await factory.CreateClient().SendAsync(get)).StatusCode);

            using var accept = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/invitations/{tokens[1]}/accept");
            accept.Headers.Referrer = new Uri($"http://127.0.0.1:5080/invitations/{tokens[1]}");
            Assert.Equal(HttpStatusCode.InternalServerError, (await user.Client.SendAsync(accept)).StatusCode);
        }
        finally
        {
            await factory.ExecuteOwnerAsync("""
                alter function members.get_invitation_by_token_broken(bytea) rename to get_invitation_by_token;
                alter function members.accept_invitation_broken(bytea) rename to accept_invitation;
                """);
        }

        var lines = factory.Lines.ToList();
        var leaks = lines.Where(l => tokens.Any(t => l.Contains(t, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "the token was logged:\n" + string.Join('\n', leaks));
        Assert.Contains(lines, l => l.StartsWith("OpsDash.SharedKernel.Http.AppExceptionHandler: Unhandled exception for GET /api/v1/invitations/{token}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("OpsDash.SharedKernel.Http.AppExceptionHandler: Unhandled exception for POST /api/v1/invitations/{token}/accept", StringComparison.Ordinal));
        Assert.Single(factory.RequestLines("GET /api/v1/invitations/{token} 500"));
        Assert.Contains(lines, l => l.StartsWith("Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_database_error_behind_the_500_is_still_logged_in_full()
    {
        factory.Lines.Clear();
        await factory.ExecuteOwnerAsync("alter function members.get_invitation_by_token(bytea) rename to get_invitation_by_token_broken");
        try
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await factory.CreateClient().GetAsync($"/api/v1/invitations/{OneTimeTokens.Create().Token}")).StatusCode);
        }
        finally
        {
            await factory.ExecuteOwnerAsync("alter function members.get_invitation_by_token_broken(bytea) rename to get_invitation_by_token");
        }

        Assert.Contains(factory.Lines, l => l.StartsWith("OpsDash.SharedKernel.Http.AppExceptionHandler: ", StringComparison.Ordinal)
                                            && l.Contains("42883", StringComparison.Ordinal) && l.Contains("get_invitation_by_token", StringComparison.Ordinal));
    }
}
