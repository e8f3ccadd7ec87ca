using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Foundation;

/// <summary>Every endpoint the Host maps: signed-in callers only unless allow-listed, and database work only inside a unit of work.</summary>
public sealed class FailClosedTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    /// <summary>The only endpoints an anonymous caller may reach, each for a reason.</summary>
    private static readonly HashSet<string> AnonymousAllowList =
    [
        "POST /api/v1/auth/signup",              // creating the account
        "POST /api/v1/auth/login",               // getting the first token
        "POST /api/v1/auth/refresh",             // the access token has expired by then
        "POST /api/v1/auth/logout",              // possession of the refresh token is the proof
        "POST /api/v1/auth/verify-email",        // the emailed token is the credential
        "GET /api/v1/invitations/{token}",       // the invitee's landing page, before signing up
        "POST /api/v1/hooks/{token}",            // an inbound hook: the URL token and the Standard Webhooks signature are the credential
        "GET /api/v1/export-downloads/{id:guid}/{token}", // the sealed, expiring link is the credential (a browser follows it)
        "POST /api/v1/billing/stripe-webhook",   // Stripe calls it; the Stripe-Signature over the raw body is the credential (ADR 0022)
        "ANY /health/live",                      // probes
        "ANY /health/ready",
        "GET /openapi/{documentName}.json",      // the API description (the explorer at /docs is static files)
        "GET /ops/login",                        // the operators' sign-in form and its post
        "POST /ops/login",
    ];

    /// <summary>Browser pages (cookie sign-in, ADR 0012): an anonymous caller is sent to the sign-in form instead of a 401.</summary>
    private const string PagesPrefix = "/ops/";

    [Fact]
    public void Only_allow_listed_endpoints_allow_anonymous_callers()
    {
        var anonymous = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(Name)
            .ToHashSet();

        Assert.Empty(anonymous.Except(AnonymousAllowList).ToList());
    }

    [Fact]
    public async Task Every_other_endpoint_answers_an_anonymous_caller_with_401()
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !AnonymousAllowList.Contains(Name(e))))
        {
            var response = await client.SendAsync(Request(endpoint, slug: "any-org"));
            if (endpoint.RoutePattern.RawText!.StartsWith(PagesPrefix, StringComparison.Ordinal))
            {
                if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("/ops/login", StringComparison.Ordinal) != true)
                {
                    failures.Add($"{Name(endpoint)} -> {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
            else if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{Name(endpoint)} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
        Assert.NotNull(await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetFallbackPolicyAsync());
    }

    [Fact]
    public void Every_api_endpoint_runs_in_a_unit_of_work()
    {
        var api = Endpoints().Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(api);
        Assert.Empty(api.Where(e => e.Metadata.GetMetadata<UnitOfWorkMetadata>() is null).Select(Name));
    }

    [Fact]
    public async Task No_api_endpoint_fails_on_database_access_for_a_signed_in_caller()
    {
        // A handler outside the unit of work would hit DbSession's guard and answer 500.
        var user = await factory.SignUpAsync("walker");
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            var response = await user.Client.SendAsync(Request(endpoint, user.PersonalSlug));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{Name(endpoint)} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Modules_cannot_inject_a_data_source_or_a_connection()
    {
        using var scope = factory.Services.CreateScope();

        Assert.Null(scope.ServiceProvider.GetService<NpgsqlDataSource>());
        Assert.Null(scope.ServiceProvider.GetService<NpgsqlConnection>());
        Assert.Null(scope.ServiceProvider.GetService<System.Data.Common.DbDataSource>());
        Assert.Null(scope.ServiceProvider.GetService<System.Data.Common.DbConnection>());
        Assert.Null(scope.ServiceProvider.GetService<System.Data.IDbConnection>());
    }

    [Fact]
    public void DbSession_exposes_no_connection_or_transaction()
    {
        var leaks = typeof(DbSession).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m switch
            {
                MethodInfo method => LeaksNpgsql(method.ReturnType) || method.GetParameters().Any(p => LeaksNpgsql(p.ParameterType)),
                PropertyInfo property => LeaksNpgsql(property.PropertyType),
                _ => false,
            })
            .Select(m => m.Name);

        Assert.Empty(leaks);
    }

    private static bool LeaksNpgsql(Type type) =>
        type.Namespace?.StartsWith("Npgsql", StringComparison.Ordinal) == true ||
        typeof(System.Data.Common.DbConnection).IsAssignableFrom(type) ||
        typeof(System.Data.Common.DbTransaction).IsAssignableFrom(type) ||
        type.GetGenericArguments().Any(LeaksNpgsql);

    private List<RouteEndpoint> Endpoints() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static string Name(RouteEndpoint endpoint) =>
        $"{string.Join(',', endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])} {endpoint.RoutePattern.RawText!.TrimEnd('/')}";

    private static HttpRequestMessage Request(RouteEndpoint endpoint, string slug)
    {
        var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is [var first, ..] ? first : "GET";
        var path = endpoint.RoutePattern.RawText!
            .Replace("{slug}", slug, StringComparison.Ordinal)
            .Replace("{key}", "crm:contacts", StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal);
        path = System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]+\\}", Guid.NewGuid().ToString());
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            // The content type the endpoint accepts (routing answers any other with 415 before authentication).
            var accepts = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes;
            request.Content = accepts is [var contentType, ..] && contentType != "application/json"
                ? new StringContent("a\n", Encoding.UTF8, contentType)
                : new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
