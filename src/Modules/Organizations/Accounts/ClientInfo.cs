namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>Where a security event came from, as the user would recognise it in their security log.</summary>
internal sealed record ClientInfo(string? Ip, string? UserAgent)
{
    public static ClientInfo From(HttpContext http) =>
        new(http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
}
