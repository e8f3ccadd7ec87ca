using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>ASP.NET Core Identity's PBKDF2 hasher (V3 format) at the configured iteration count.</summary>
internal sealed class Passwords
{
    // Verified against when the email is unknown, so both failures cost the same time.
    private readonly string _dummyHash;
    private readonly PasswordHasher<Passwords> _hasher;

    public Passwords(AccountSettings settings)
    {
        _hasher = new PasswordHasher<Passwords>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = settings.PasswordIterations,
        }));
        _dummyHash = Hash(Guid.NewGuid().ToString());
    }

    public string Hash(string password) => _hasher.HashPassword(this, password);

    public PasswordCheck Verify(string? hash, string password)
    {
        var result = _hasher.VerifyHashedPassword(this, hash ?? _dummyHash, password);
        return hash is null ? PasswordCheck.Wrong : result switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Ok,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.OkRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}

internal enum PasswordCheck
{
    Wrong,
    Ok,
    OkRehash,
}
