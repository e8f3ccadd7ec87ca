using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>Sends a new verification email to the signed-in user; earlier links stop working. 409 already_verified when there is nothing to verify.</summary>
internal static class ResendEmailVerification
{
    public static void Map(IEndpointRouteBuilder me) =>
        me.MapPost("/email-verification", HandleAsync)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("ResendEmailVerification")
            .WithSummary("Send a new email verification link to the signed-in user's address.");

    private static async Task<Accepted> HandleAsync(EmailVerification verification, CancellationToken ct)
    {
        await verification.SendAsync(ct);
        return TypedResults.Accepted((string?)null);
    }
}
