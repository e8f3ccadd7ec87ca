using Microsoft.Extensions.Caching.Memory;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// The org id each caller's slug resolved to on this Host, so the next request can pass the id to its first
/// statement and send the org entry with it (ADR 0025). It grants nothing: every entry is checked again in SQL
/// (<c>organizations.enter_request_as</c>: membership, role, the slug still naming that org). Keyed by user as well
/// as slug, so how fast a 404 comes back never tells whether someone else uses the slug.
/// </summary>
internal sealed class OrgEntryCache : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _ids = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public bool TryGet(Guid userId, string slug, out Guid orgId) => _ids.TryGetValue(new Key(userId, slug), out orgId);

    public void Remember(Guid userId, string slug, Guid orgId) =>
        _ids.Set(new Key(userId, slug), orgId, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });

    public void Forget(Guid userId, string slug) => _ids.Remove(new Key(userId, slug));

    public void Dispose() => _ids.Dispose();

    private readonly record struct Key(Guid UserId, string Slug);
}
