using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Accounts;

internal static class AccountRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth").RequireRateLimiting(RateLimitPolicies.Auth);
        SignUp.Map(auth);
        LogIn.Map(auth);
        RefreshTokens.Map(auth);
        LogOut.Map(auth);
        VerifyEmail.Map(auth);

        var me = api.MapGroup("/me").WithTags("Me").RequireAuthorization();
        GetCurrentUser.Map(me);
        UpdateProfile.Map(me);
        ChangePassword.Map(me);
        ResendEmailVerification.Map(me);
        ListSecurityEvents.Map(me);
    }
}
