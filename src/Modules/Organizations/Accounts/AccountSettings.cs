namespace OpsDash.Modules.Organizations.Accounts;

public sealed class AccountSettings
{
    public const string SectionName = "Auth:Accounts";

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations for new hashes. 210,000 is OWASP's current minimum for
    /// SHA-512 (Password Storage Cheat Sheet); hashes below the setting are upgraded on login.
    /// </summary>
    public int PasswordIterations { get; set; } = 210_000;

    public int MinPasswordLength { get; set; } = 10;

    /// <summary>Refresh tokens of a session that ended are kept this long (when and how it ended can still be looked up), then purged.</summary>
    public int EndedSessionDays { get; set; } = 30;
}
