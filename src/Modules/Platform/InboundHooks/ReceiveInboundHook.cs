using System.Globalization;
using System.Text;
using System.Text.Json;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.SharedKernel.Http;
using OpsDash.SharedKernel.Security;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace OpsDash.Modules.Platform.InboundHooks;

/// <summary>
/// receiveInboundHook (anonymous; the token in the URL names the hook): a JSON object signed to the Standard
/// Webhooks spec with the hook's secret (headers webhook-id, webhook-timestamp, webhook-signature; verified by
/// the StandardWebhooks package), its timestamp within <see cref="Tolerance"/> of now. Its webhook-id is recorded
/// once per hook (core.inbound_hook_receipts' key): the first delivery queues the org's webhook_received event
/// through Automation's contract, in the same transaction; a repeat (a retry, a replay within the window, or a
/// concurrent duplicate, which waits for the first) is acknowledged with <c>duplicate: true</c> and does nothing.
/// </summary>
internal static class ReceiveInboundHook
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private const int MaxSignatures = 5;

    public sealed record Response(bool Duplicate);

    private const string RecordSql = """
        insert into core.inbound_hook_receipts (org_id, hook_id, webhook_id) values (@OrgId, @HookId, @WebhookId)
        on conflict (org_id, hook_id, webhook_id) do nothing
        """;

    public static void Map(IEndpointRouteBuilder receive) =>
        receive.MapPost("/{token}", HandleAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Api)
            .Accepts<JsonElement>("application/json")
            .ProducesError(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError)
            .ProducesError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized)
            .ProducesError(StatusCodes.Status404NotFound, ErrorCodes.NotFound)
            .WithName("ReceiveInboundHook")
            .WithSummary("Deliver a Standard Webhooks-signed JSON object to an inbound hook (no access token; the URL names the hook). "
                + "401: signature missing or wrong, or timestamp more than 5 minutes off. A repeated webhook-id is 200 with duplicate true and fires nothing.");

    private static async Task<Ok<Response>> HandleAsync(
        string token, HttpRequest request, DbSession db, TenantContext tenant, SecretBox secrets, Outbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var hook = InboundHookCredentials.TryHash(token, out var tokenHash) ? await db.EnterInboundHookAsync(tokenHash, ct) : null;
        if (hook is not { } found)
        {
            throw new NotFoundException("Inbound hook not found.");
        }

        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ct);
        }

        Verify(new StandardWebhook(secrets.Open(found.SealedSecret)), body, request.Headers, clock.GetUtcNow());
        var webhookId = request.Headers["webhook-id"].ToString();
        if (webhookId.Length > 200 || webhookId.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationFailedException("webhook-id", "webhook-id is at most 200 characters.");
        }

        JsonElement payload;
        try
        {
            payload = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ValidationFailedException("body", "The body is not valid JSON.");
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationFailedException("body", "The event is a JSON object; its top-level fields are what workflows test.");
        }

        var orgId = tenant.OrgId!.Value;
        if (await db.ExecuteAsync(RecordSql, new { OrgId = orgId, found.HookId, WebhookId = webhookId }, ct) == 0)
        {
            return TypedResults.Ok(new Response(Duplicate: true));
        }

        await outbox.EnqueueAsync(new WebhookReceived(found.HookId, webhookId, payload), ct);
        return TypedResults.Ok(new Response(Duplicate: false));
    }

    // The package checks the headers and each signature; the tolerance is ours, stated here, not left to its default.
    // webhook-signature may list several space-separated signatures (a sender rotating its secret): one that
    // verifies is enough. The package is given them one at a time, as it does not accept the list itself.
    private static void Verify(StandardWebhook webhook, string body, IHeaderDictionary headers, DateTimeOffset now)
    {
        var signatures = headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        WebhookVerificationException? failure = null;
        foreach (var signature in signatures.Length == 0 ? [string.Empty] : signatures.Take(MaxSignatures))
        {
            try
            {
                webhook.Verify(body, new HeaderDictionary
                {
                    ["webhook-id"] = headers["webhook-id"],
                    ["webhook-timestamp"] = headers["webhook-timestamp"],
                    ["webhook-signature"] = signature,
                });
                failure = null;
                break;
            }
            catch (WebhookVerificationException e)
            {
                failure = e;
            }
        }

        if (failure is not null)
        {
            throw new UnauthorizedException("The webhook could not be verified: " + failure.Message);
        }

        if (!long.TryParse(headers["webhook-timestamp"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253_402_300_799))).TotalSeconds) > Tolerance.TotalSeconds)
        {
            throw new UnauthorizedException("The webhook's timestamp is more than 5 minutes from now.");
        }
    }
}
