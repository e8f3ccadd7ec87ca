using Microsoft.AspNetCore.Mvc.Testing;

namespace OpsDash.Tests.Jobs;

/// <summary>The /ops cookies a sign-in set, replayed by hand: a copy of the cookie, as a thief or another Host would present it.</summary>
public static class OpsCookies
{
    /// <summary>name=value of every cookie the response set (the session and the antiforgery cookie).</summary>
    public static string From(params HttpResponseMessage[] responses) => string.Join("; ", responses
        .SelectMany(r => r.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        .Select(c => c.Split(';', 2)[0])
        .Where(c => c.StartsWith("opsdash_ops", StringComparison.Ordinal)));

    /// <summary>A client that sends exactly <paramref name="cookies"/> and keeps none it is given.</summary>
    public static HttpClient Client(OpsDashFactory host, string cookies)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookies);
        return client;
    }
}
