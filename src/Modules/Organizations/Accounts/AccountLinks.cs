using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>Links in account emails point at the web app (App:PublicUrl).</summary>
public sealed class AccountLinks
{
    public Uri PublicUrl { get; init; } = new("http://127.0.0.1:5080");

    public int VerificationHours { get; init; } = 48;

    public static AccountLinks From(IConfiguration configuration) => new()
    {
        PublicUrl = configuration["App:PublicUrl"] is { Length: > 0 } url ? new Uri(url) : new Uri("http://127.0.0.1:5080"),
        VerificationHours = configuration.GetValue("Auth:Accounts:VerificationHours", 48),
    };

    public string VerifyEmailUrl(string token) => $"{PublicUrl.ToString().TrimEnd('/')}/verify-email/{token}";

    public string LogInUrl => $"{PublicUrl.ToString().TrimEnd('/')}/login";
}
