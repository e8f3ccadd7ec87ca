using Microsoft.Extensions.Configuration;

namespace OpsDash.Modules.Members;

public sealed class MemberSettings
{
    public int InvitationDays { get; init; } = 7;

    /// <summary>An expired pending invitation stays listed (flagged expired) this long, then is deleted.</summary>
    public int ExpiredInvitationDays { get; init; } = 30;

    /// <summary>Where the web app is served; invitation links point there.</summary>
    public Uri PublicUrl { get; init; } = new("http://127.0.0.1:5080");

    public static MemberSettings From(IConfiguration configuration) => new()
    {
        InvitationDays = configuration.GetValue("Members:InvitationDays", 7),
        ExpiredInvitationDays = configuration.GetValue("Members:ExpiredInvitationDays", 30),
        PublicUrl = configuration["App:PublicUrl"] is { Length: > 0 } url ? new Uri(url) : new Uri("http://127.0.0.1:5080"),
    };

    public string AcceptUrl(string token) => $"{PublicUrl.ToString().TrimEnd('/')}/invitations/{token}";
}
