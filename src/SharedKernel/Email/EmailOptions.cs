namespace OpsDash.SharedKernel.Email;

/// <summary>Configuration section <c>Email</c>. Without <c>Email:Smtp:Host</c>, emails are written to <see cref="PickupDirectory"/>.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public string FromAddress { get; set; } = "no-reply@opsdash.local";

    /// <summary>The From name of platform emails, and the "via" part of an org's ("Acme via OpsDash").</summary>
    public string ProductName { get; set; } = "OpsDash";

    /// <summary>Relative paths are under the repository root.</summary>
    public string PickupDirectory { get; set; } = ".data/mail";

    /// <summary>In Production the Host refuses to start without an SMTP host unless this says the pickup directory is meant.</summary>
    public bool AllowPickupInProduction { get; set; }

    /// <summary>Picked-up <c>.eml</c> files older than this many days are deleted (schedule <c>purge_mail_pickup</c>); they hold links with one-time tokens.</summary>
    public int PickupRetentionDays { get; set; } = 7;

    public SmtpOptions Smtp { get; set; } = new();

    public string DisplayNameFor(string? orgName) =>
        string.IsNullOrWhiteSpace(orgName) ? ProductName : $"{orgName} via {ProductName}";
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>
    /// <c>starttls</c> (or <c>true</c>): plain, then upgraded, and refused if the server cannot;
    /// <c>implicit</c>: TLS from the first byte (port 465); <c>none</c> (or <c>false</c>). See <see cref="SmtpTls"/>.
    /// </summary>
    public string Tls { get; set; } = SmtpTls.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
