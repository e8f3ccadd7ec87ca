using System.Collections.Concurrent;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// Attempts in flight per endpoint in this Host, at most <see cref="WebhookOptions.MaxConcurrentPerEndpoint"/>: a slow or
/// dead endpoint holds that many job slots, never the whole webhooks queue, so other endpoints keep their pace. A job waits
/// briefly for its endpoint's turn (a fast receiver frees one within milliseconds, and re-queueing costs two writes);
/// past <see cref="WebhookOptions.EndpointWait"/> it gives its slot up.
/// </summary>
internal sealed class EndpointLimiter(WebhookOptions options)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _slots = new();

    public Task<bool> TryEnterAsync(Guid endpointId, CancellationToken ct) =>
        _slots.GetOrAdd(endpointId, _ => new SemaphoreSlim(options.MaxConcurrentPerEndpoint)).WaitAsync(options.EndpointWait, ct);

    public void Exit(Guid endpointId)
    {
        if (_slots.TryGetValue(endpointId, out var slots))
        {
            slots.Release();
        }
    }
}
