using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Accounts;

internal static class AccountRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTag("Auth", "Sign up, log in, rotate and revoke tokens; no access token needed.").RequireRateLimiting(RateLimitPolicies.Auth);
        SignUp.Map(auth);
        LogIn.Map(auth);
        RefreshTokens.Map(auth);
        LogOut.Map(auth);
        VerifyEmail.Map(auth);

        var me = api.MapGroup("/me").WithTag("Me", "The signed-in user's profile and password.").RequireAuthorization();
        GetCurrentUser.Map(me);
        UpdateProfile.Map(me);
        ChangePassword.Map(me);
        ResendEmailVerification.Map(me);
        ListSecurityEvents.Map(me);
    }
}
