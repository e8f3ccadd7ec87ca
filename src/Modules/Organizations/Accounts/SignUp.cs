using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// signup: inserts the auth user; the SQL trigger handle_new_user() creates profile, personal org,
/// membership, subscription, flags and audit row in the same transaction, and a verification email
/// goes to the outbox. An address that already has an account gets the same 202 (after the same
/// password hashing) and its owner a notice by email instead, so signup reveals nothing about
/// which addresses are registered. The client signs in with POST /auth/login afterwards.
/// </summary>
internal static class SignUp
{
    public sealed record Request(string Email, string Password, string? FullName);

    public sealed record Response(string Email, string Status);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator(AccountSettings settings)
        {
            RuleFor(r => r.Email).AccountEmail();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(settings.MinPasswordLength).MaximumLength(128);
            RuleFor(r => r.FullName).MaximumLength(200);
        }
    }

    // ON CONFLICT DO NOTHING: two signups of one address at the same moment both end here, one
    // inserted and one told "already registered", never a 409 that would reveal the account.
    private const string InsertUserSql = """
        insert into auth.users (id, email, password_hash, full_name)
        values (@Id, @Email, @PasswordHash, @FullName)
        on conflict (email) do nothing
        """;

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/signup", HandleAsync)
            .Validate<Request>()
            .WithName("SignUp")
            .WithSummary("Create an account with its personal workspace and send a verification email; then sign in with /auth/login.")
            .AllowAnonymous();

    private static async Task<Accepted<Response>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, Passwords passwords, EmailVerification verification,
        Outbox outbox, AccountLinks links, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var email = request.Email.Trim().ToLowerInvariant();
        await tenant.SetUserAsync(id); // a new user may only insert itself (RLS)
        var inserted = await db.ExecuteAsync(
            InsertUserSql,
            new { Id = id, Email = email, PasswordHash = passwords.Hash(request.Password), FullName = request.FullName?.Trim() },
            ct);
        if (inserted == 1)
        {
            await verification.SendAsync(ct);
        }
        else
        {
            await outbox.EnqueueAsync(new SignUpAttemptedOnExistingAccount(email, links.LogInUrl), ct);
        }

        return TypedResults.Accepted((string?)null, new Response(email, "verification_sent"));
    }
}
