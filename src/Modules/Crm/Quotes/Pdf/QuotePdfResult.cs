using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// A quote's PDF, rendered while the response is written: after the request's unit of work has committed
/// and given its connection back, so a long render never holds a transaction open. The render stops at
/// <see cref="PdfOptions.RenderTimeout"/> (503 <c>render_timeout</c>) or as soon as the client goes away.
/// </summary>
internal sealed partial class QuotePdfResult(Quote quote, QuoteParty party, TimeSpan timeout) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<QuotePdfResult>>();
        var deadline = new RenderDeadline(timeout, httpContext.RequestAborted);
        LogRendering(logger, quote.Reference, quote.Items.Count);
        byte[] pdf;
        try
        {
            (pdf, var pages) = QuoteDocument.Render(quote, party, deadline);
            LogRendered(logger, quote.Reference, pages, deadline.Elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(logger, quote.Reference, deadline.Elapsed.TotalMilliseconds);
            throw;
        }
        catch (TimeoutException)
        {
            LogTimedOut(logger, quote.Reference, deadline.Elapsed.TotalMilliseconds, timeout.TotalMilliseconds);
            throw new AppException(
                StatusCodes.Status503ServiceUnavailable, ErrorCodes.RenderTimeout, "The PDF took too long to render",
                $"Quote {quote.Reference} could not be rendered within {timeout.TotalSeconds:0.###} s; try again later.");
        }

        await TypedResults.File(pdf, "application/pdf", quote.Reference + ".pdf").ExecuteAsync(httpContext);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quote PDF {Reference}: rendering {Items} items")]
    private static partial void LogRendering(ILogger logger, string reference, int items);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quote PDF {Reference}: {Pages} pages rendered in {ElapsedMs:0.0} ms")]
    private static partial void LogRendered(ILogger logger, string reference, int pages, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quote PDF {Reference}: render stopped after {ElapsedMs:0.0} ms, over its {TimeoutMs:0} ms deadline")]
    private static partial void LogTimedOut(ILogger logger, string reference, double elapsedMs, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quote PDF {Reference}: render stopped after {ElapsedMs:0.0} ms, the client went away")]
    private static partial void LogAbandoned(ILogger logger, string reference, double elapsedMs);
}
