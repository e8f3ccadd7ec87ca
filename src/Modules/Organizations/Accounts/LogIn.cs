using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Organizations.Accounts;

/// <summary>
/// login. Unknown email, wrong password and a locked account answer the same 401 with the same
/// body (and the unknown email still pays for a hash check), so nobody can probe for accounts.
/// </summary>
internal static class LogIn
{
    public sealed record Request(string Email, string Password);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Email).NotEmpty().MaximumLength(254);
            RuleFor(r => r.Password).NotEmpty().MaximumLength(128);
        }
    }

    public static void Map(IEndpointRouteBuilder auth) =>
        auth.MapPost("/login", HandleAsync)
            .Validate<Request>()
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .WithName("LogIn")
            .WithSummary("Exchange email and password for an access and a refresh token.")
            .AllowAnonymous();

    private static async Task<Ok<TokenPair>> HandleAsync(Request request, HttpContext http, IPasswordSignIn signIn, Tokens tokens)
    {
        // Security state (the reserved guess) is committed whatever happens to the client's connection.
        var ct = CancellationToken.None;
        var client = ClientInfo.From(http);
        var account = await signIn.CheckAsync(request.Email, request.Password, client.Ip, client.UserAgent, ct)
            ?? throw InvalidCredentials();
        return TypedResults.Ok(await tokens.StartSessionAsync(account.UserId, account.Email, account.SecurityStamp, ct));
    }

    internal static UnauthorizedException InvalidCredentials() => new("Invalid email or password.");
}
