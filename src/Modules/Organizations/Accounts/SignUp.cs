using Npgsql;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// signup: inserts the auth user; the SQL trigger handle_new_user() creates profile, personal org,
/// membership, subscription, flags and audit row in the same transaction.
/// </summary>
internal static class SignUp
{
    public sealed record Request(string Email, string Password, string? FullName);

    public sealed record Response(Guid UserId, string Email, string PersonalOrgSlug, TokenPair Tokens);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator(AccountSettings settings)
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
            RuleFor(r => r.Password).NotEmpty().MinimumLength(settings.MinPasswordLength).MaximumLength(128);
            RuleFor(r => r.FullName).MaximumLength(200);
        }
    }

    private const string InsertUserSql = """
        insert into auth.users (id, email, password_hash, full_name)
        values (@Id, @Email, @PasswordHash, @FullName)
        """;

    private const string PersonalSlugSql = """
        select o.slug
          from organizations.organizations o
         where o.billing_owner_user_id = @UserId and o.type = 'personal'
        """;

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/signup", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("SignUp")
            .WithSummary("Create an account with its personal workspace; returns tokens.")
            .AllowAnonymous();

    private static async Task<Created<Response>> HandleAsync(
        Request request, DbSession db, TenantContext tenant, Passwords passwords, Tokens tokens, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var email = request.Email.Trim().ToLowerInvariant();
        await tenant.SetUserAsync(id); // a new user may only insert itself (RLS)
        try
        {
            await db.ExecuteAsync(
                InsertUserSql,
                new { Id = id, Email = email, PasswordHash = passwords.Hash(request.Password), FullName = request.FullName?.Trim() },
                ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "users_email_key")
        {
            throw new ConflictException("An account with this email already exists.", "email_taken");
        }

        var slug = await db.QuerySingleAsync<string>(PersonalSlugSql, new { UserId = id }, ct);
        var pair = await tokens.IssueAsync(id, email, familyId: null, ct);
        return TypedResults.Created("/api/v1/me", new Response(id, email, slug, pair));
    }
}
