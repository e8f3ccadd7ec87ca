using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>
/// Sets a login role's password from configuration only when the configured one does not work.
/// The test is a real login as the role, from this Host, with the configured password: it asks
/// exactly what matters (will the pool be able to connect?) and also catches a password a DBA
/// changed by hand. Where the server does not ask this Host for a password (trust), there is
/// nothing to set. When it must be set, the Host sends a SCRAM-SHA-256 verifier it computed itself,
/// never the password: PostgreSQL stores a verifier as given, so the password appears in no
/// statement, server log or pg_stat_activity. Neither value is ever logged here.
/// </summary>
internal static class RolePasswords
{
    private const int Iterations = 4096;

    public static async Task EnsureAsync(string owner, string role, string? password, ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password) || await CanLogInAsync(owner, role, password, ct))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        // ALTER ROLE takes no parameters; format(%I, %L) quotes the identifier and the literal.
        var statement = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select format('alter role %I password %L', @role, @verifier)", new { role, verifier = Verifier(password) }, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(statement!, cancellationToken: ct));
        logger.LogInformation("The password of role {Role} differed from configuration and was set", role);
    }

    /// <summary>A SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 5802/7677, 16-byte salt, 4096 iterations).</summary>
    public static string Verifier(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        // Npgsql's SCRAM client derives its keys from the NFKC form; the verifier must match what it proves.
        var salted = Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    private static async Task<bool> CanLogInAsync(string owner, string role, string password, CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(owner)
        {
            Username = role,
            Password = password,
            Pooling = false,
            ApplicationName = "opsdash-password-check",
        };
        try
        {
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            return false;
        }
    }
}
