using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Organizations.Contracts;

/// <summary>
/// The verification email after signup or a resend. The link carries the only copy of the token
/// (the database keeps its hash), so it waits here sealed (<c>SecretBox</c>) until the email job sends it.
/// </summary>
public sealed record EmailVerificationRequested(string To, string SealedVerifyUrl, int ExpiresInHours) : IIntegrationEvent
{
    public static string EventType => "email.verify_email";
}

/// <summary>
/// Someone signed up with an address that already has an account. Signup answers exactly as for a
/// new address; the owner gets this notice instead of a second account.
/// </summary>
public sealed record SignUpAttemptedOnExistingAccount(string To, string LogInUrl) : IIntegrationEvent
{
    public static string EventType => "email.signup_existing_account";
}
