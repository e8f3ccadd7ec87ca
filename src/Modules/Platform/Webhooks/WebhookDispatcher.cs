using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpsDash.SharedKernel.Outbound;
using StandardWebhooks;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// One attempt: <see cref="ErrorClass"/> null for a 2xx; <see cref="RetryAfter"/> what a 429/502/503/504 asked for.
/// </summary>
internal sealed record AttemptResult(int? StatusCode, int LatencyMs, string? ErrorClass, TimeSpan? RetryAfter)
{
    public bool Succeeded => ErrorClass is null;

    /// <summary>Retrying cannot help: the address is refused, or the receiver said the endpoint is gone (410).</summary>
    public bool Final => ErrorClass is ErrorClasses.AddressRefused or ErrorClasses.Gone;
}

internal static class ErrorClasses
{
    public const string Timeout = "timeout";
    public const string Connection = "connection";
    public const string AddressRefused = "address_refused";
    public const string Redirect = "redirect";
    public const string ClientError = "client_error";
    public const string ServerError = "server_error";
    public const string RateLimited = "rate_limited";
    public const string Gone = "gone";
    public const string EndpointDisabled = "endpoint_disabled";
}

/// <summary>
/// Signs and posts one message to the Standard Webhooks spec through the kernel's guarded client (ADR 0013, 0020):
/// <c>webhook-id</c> (the delivery's, the same on every attempt), <c>webhook-timestamp</c> (this attempt's, Unix seconds),
/// <c>webhook-signature</c> (<c>v1,&lt;base64&gt;</c> per secret, space-separated), signed by the StandardWebhooks package over
/// exactly the UTF-8 bytes that are sent. Redirects are not followed; the answer's body is never kept.
/// </summary>
internal sealed class WebhookDispatcher(OutboundHttp http, WebhookOptions options)
{
    public static string MessageId(Guid deliveryId) => $"msg_{deliveryId:N}";

    public async Task<AttemptResult> SendAsync(string url, Guid deliveryId, string payload, IReadOnlyList<string> secrets, CancellationToken ct)
    {
        var id = MessageId(deliveryId);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var signature = string.Join(' ', secrets.Select(secret => new StandardWebhook(secret).Sign(id, timestamp, payload)));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(payload)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("OpsDash-Webhooks", "1.0"));

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, options.Timeout, ct);
            return Classify(response, Elapsed(clock));
        }
        catch (HttpRequestException e) when (e.InnerException is OutboundAddressRefusedException || e is { InnerException.InnerException: OutboundAddressRefusedException })
        {
            return new AttemptResult(null, Elapsed(clock), ErrorClasses.AddressRefused, null);
        }
        catch (HttpRequestException)
        {
            return new AttemptResult(null, Elapsed(clock), ErrorClasses.Connection, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(null, Elapsed(clock), ErrorClasses.Timeout, null);
        }
    }

    private static int Elapsed(Stopwatch clock) => (int)Math.Min(int.MaxValue, clock.ElapsedMilliseconds);

    private static AttemptResult Classify(HttpResponseMessage response, int latency)
    {
        var status = (int)response.StatusCode;
        var error = status switch
        {
            >= 200 and < 300 => null,
            >= 300 and < 400 => ErrorClasses.Redirect,
            (int)HttpStatusCode.Gone => ErrorClasses.Gone,
            (int)HttpStatusCode.TooManyRequests => ErrorClasses.RateLimited,
            < 500 => ErrorClasses.ClientError,
            _ => ErrorClasses.ServerError,
        };
        TimeSpan? retryAfter = status is 429 or 502 or 503 or 504 ? RetryAfterOf(response) : null;
        return new AttemptResult(status, latency, error, retryAfter);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
