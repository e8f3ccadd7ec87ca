using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace OpsDash.Modules.Platform.Webhooks;

/// <summary>
/// Attempts in flight per endpoint in this Host, at most <see cref="WebhookOptions.MaxConcurrentPerEndpoint"/>: a slow or
/// dead endpoint holds that many job slots, never the whole webhooks queue, so other endpoints keep their pace.
/// </summary>
internal sealed class EndpointLimiter(WebhookOptions options)
{
    private readonly ConcurrentDictionary<Guid, StrongBox<int>> _inFlight = new();

    public bool TryEnter(Guid endpointId)
    {
        var count = _inFlight.GetOrAdd(endpointId, _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) <= options.MaxConcurrentPerEndpoint)
        {
            return true;
        }

        Interlocked.Decrement(ref count.Value);
        return false;
    }

    public void Exit(Guid endpointId)
    {
        if (_inFlight.TryGetValue(endpointId, out var count))
        {
            Interlocked.Decrement(ref count.Value);
        }
    }
}
