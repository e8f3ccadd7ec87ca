namespace OpsDash.Modules.Organizations.Accounts;

public sealed class AccountSettings
{
    public const string SectionName = "Auth:Accounts";

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations for new hashes. 210,000 is OWASP's current minimum for
    /// SHA-512 (Password Storage Cheat Sheet); hashes below the setting are upgraded on login.
    /// </summary>
    public int PasswordIterations { get; set; } = 210_000;

    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>
    /// The first lockout lasts this long and each consecutive one twice as long, up to
    /// <see cref="LockoutMaxMinutes"/>: short enough that knowing someone's email does not lock
    /// them out for long (OWASP Authentication Cheat Sheet), long enough to stop guessing.
    /// </summary>
    public int LockoutBaseMinutes { get; set; } = 1;

    public int LockoutMaxMinutes { get; set; } = 15;

    /// <summary>Parameters of auth.begin_login for <paramref name="email"/>.</summary>
    internal object LockoutParameters(string email) =>
        new { Email = email, MaxFailures = MaxFailedLogins, BaseMinutes = LockoutBaseMinutes, MaxMinutes = LockoutMaxMinutes };

    public int MinPasswordLength { get; set; } = 10;

    /// <summary>Refresh tokens of a session that ended are kept this long (when and how it ended can still be looked up), then purged.</summary>
    public int EndedSessionDays { get; set; } = 30;
}
