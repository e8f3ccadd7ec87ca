using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OpsDash.Tests.Outbound;

namespace OpsDash.Tests.Crm.Enrichment;

/// <summary>
/// Clearbit's company API as a real local server. Domains script the answer: <c>acme.test</c> is
/// found, <c>flaky.test</c> answers 503 once then is found, <c>revoked.test</c> 401, anything else 404.
/// </summary>
public sealed class FakeClearbit : IAsyncDisposable
{
    public const string AcmeJson = """
        {"id":"cb-1","name":"Acme Inc","domain":"acme.test","description":"Makes anvils.","logo":"https://logo.example/acme.png",
         "location":"1 Road Runner Way, Phoenix, AZ","geo":{"country":"United States"},"foundedYear":1949,
         "category":{"sector":"Industrials","industry":"Machinery"},"metrics":{"employees":120,"employeesRange":"51-250"}}
        """;

    private readonly ConcurrentDictionary<string, int> _calls = new();
    private FakeHttpServer _server = null!;

    public ConcurrentQueue<(string Path, string? Authorization, string? Domain)> Requests { get; } = new();

    public FakeHttpServer Server => _server;

    public int Calls(string domain) => _calls.GetValueOrDefault(domain);

    public static async Task<FakeClearbit> StartAsync()
    {
        var fake = new FakeClearbit();
        fake._server = await FakeHttpServer.StartAsync(fake.AnswerAsync);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task AnswerAsync(HttpContext context)
    {
        var domain = context.Request.Query["domain"].FirstOrDefault();
        Requests.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.Headers.Authorization.FirstOrDefault(), domain));
        var call = _calls.AddOrUpdate(domain ?? string.Empty, 1, (_, n) => n + 1);
        (int status, string body) = domain switch
        {
            "acme.test" => (200, AcmeJson),
            "flaky.test" when call == 1 => (503, "{}"),
            "flaky.test" => (200, """{"name":"Flaky","category":{"industry":"Software"},"metrics":{"employeesRange":"1K-5K"}}"""),
            "revoked.test" => (401, """{"error":{"type":"auth_error"}}"""),
            _ => (404, """{"error":{"type":"unknown_record"}}"""),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
