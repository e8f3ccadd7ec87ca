namespace OpsDash.Modules.Organizations.Contracts;

/// <summary>
/// The password check of <c>POST /auth/login</c> (same lockout, same security log, same cost for an
/// unknown email), for another way of signing in such as the operators' page. Runs in the caller's
/// unit of work; a failed check is committed before it returns, so the counted guess survives.
/// </summary>
public interface IPasswordSignIn
{
    /// <summary>The account when the email and password match and it is not locked; null otherwise.</summary>
    Task<SignedInAccount?> CheckAsync(string email, string password, string? ip, string? userAgent, CancellationToken ct = default);
}

/// <summary>A user whose password was just checked, with the security stamp a session must carry to stay valid.</summary>
public sealed record SignedInAccount(Guid UserId, string Email, int SecurityStamp);
