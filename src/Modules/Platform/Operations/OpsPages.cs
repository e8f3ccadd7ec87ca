using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// <c>/ops</c>: server-rendered pages for platform operators, outside the API (no OpenAPI entry, no
/// bearer token). Each request is one unit of work like the API's; signed-in pages go through
/// <see cref="OperatorFilter"/>.
/// </summary>
internal static class OpsPages
{
    public static void Map(IEndpointRouteBuilder root)
    {
        var ops = root.MapGroup("/ops")
            .WithUnitOfWork()
            .WritesOnRead() // a signed-in page records the session's last use
            .ExcludeFromDescription()
            .RequireRateLimiting(RateLimitPolicies.Api)
            .AddEndpointFilter(async (context, next) =>
            {
                var headers = context.HttpContext.Response.Headers;
                headers.ContentSecurityPolicy = OpsHtml.ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                return await next(context);
            });
        OpsLogin.Map(ops);

        var signedIn = ops.MapGroup(string.Empty)
            .RequireAuthorization(OpsSession.Policy)
            .AddEndpointFilter<OperatorFilter>();
        OpsLogin.MapLogOut(signedIn);
        JobsPage.Map(signedIn);
        BillingPage.Map(signedIn);
    }
}
