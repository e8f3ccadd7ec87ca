using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OpsDash.SharedKernel.Http;

/// <summary>
/// Enforces the body size limit on every server (Kestrel enforces its own limit only on Kestrel):
/// a declared Content-Length over the limit is refused before the body is read.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next, long maxBytes)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }

        return next(context);
    }
}
