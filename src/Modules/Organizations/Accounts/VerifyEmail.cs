using OpsDash.SharedKernel.Security;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// verify-email: the token from the emailed link marks the address verified (single use, expiring;
/// auth.verify_email). Anonymous: the token is the credential. A verified address is what
/// accepting an invitation requires.
/// </summary>
internal static class VerifyEmail
{
    public sealed record Request(string Token);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Token).NotEmpty().MaximumLength(64);
    }

    private const string VerifySql = "select auth.verify_email(@TokenHash)";

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/verify-email", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            .WithName("VerifyEmail")
            .WithSummary("Confirm an email address with the token from the verification email.")
            .AllowAnonymous();

    private static async Task<NoContent> HandleAsync(Request request, DbSession db, CancellationToken ct)
    {
        var hash = OneTimeTokens.TryHash(request.Token) ?? throw new NotFoundException("This verification link is invalid, used or expired.");
        await db.ExecuteScalarAsync<Guid>(VerifySql, new { TokenHash = hash }, CancellationToken.None);
        return TypedResults.NoContent();
    }
}
