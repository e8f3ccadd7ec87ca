using System.Net;
using System.Net.Sockets;

namespace OpsDash.SharedKernel.Outbound;

/// <summary>Thrown when a call would dial an address <see cref="AddressGuard"/> refuses; retrying cannot help.</summary>
public sealed class OutboundAddressRefusedException(string message) : IOException(message);

/// <summary>
/// The one HTTP client for calls to third parties (ADR 0013). Every connection is checked in the
/// socket's connect callback, on the address actually dialled after resolution, so a name that
/// resolves to a private address (or is rebound to one after a first check) is refused. No proxy,
/// no automatic redirects, a timeout and a cap on the answer's size.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    private readonly HashSet<string> _allowed;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private readonly OutboundOptions _options;

    public OutboundHttp(OutboundOptions options)
    {
        _options = options;
        _allowed = new HashSet<string>(options.AllowedEndpoints.Select(e => e.Trim()), StringComparer.OrdinalIgnoreCase);
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(_handler, disposeHandler: false)
        {
            // Per call instead (SendAsync): a webhook waits longer than a lookup.
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
    }

    /// <summary>
    /// An <see cref="HttpClient"/> over the same guarded connections, timeout and size cap, for a library that
    /// sends its own requests (Stripe.net, ADR 0022). Disposing it leaves the connections to this instance.
    /// </summary>
    public HttpClient CreateClient() => new(_handler, disposeHandler: false)
    {
        Timeout = _options.Timeout,
        MaxResponseContentBufferSize = _options.MaxResponseBytes,
    };

    /// <summary>Sends the request and buffers the answer (at most <see cref="OutboundOptions.MaxResponseBytes"/>) within <see cref="OutboundOptions.Timeout"/>.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        SendAsync(request, _options.Timeout, ct);

    /// <summary>
    /// Sends the request within <paramref name="timeout"/> (a <see cref="TaskCanceledException"/> past it). A URL whose scheme
    /// <see cref="SchemeError"/> refuses is an <see cref="HttpRequestException"/> around <see cref="OutboundAddressRefusedException"/>,
    /// like an address refused when dialling.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        var refused = request.RequestUri is { IsAbsoluteUri: true } uri ? SchemeError(uri) : "Outbound call refused: the URL is not absolute.";
        if (refused is not null)
        {
            throw new HttpRequestException(refused, new OutboundAddressRefusedException(refused));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        return await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
    }

    /// <summary>
    /// Why a URL may not be called, checked before it is stored (a webhook's): its scheme (<see cref="SchemeError"/>), and every
    /// address its host resolves to now must be public unless the endpoint is allow-listed. The call checks the address again
    /// when it dials, so a name rebound to a private address later is refused then. Null: it may be called.
    /// </summary>
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken ct)
    {
        if (!url.IsAbsoluteUri)
        {
            return "The URL must be absolute.";
        }

        if (SchemeError(url) is { } scheme)
        {
            return scheme;
        }

        if (url.UserInfo.Length > 0)
        {
            return "The URL must not carry a user name or password.";
        }

        var host = url.IdnHost;
        if (_allowed.Contains($"{host}:{url.Port}") || _allowed.Contains($"{url.Host}:{url.Port}"))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return "The URL's host does not resolve.";
        }

        return addresses.Length == 0 || addresses.Any(AddressGuard.IsBlocked)
            ? "The URL's host is not a public address (private, loopback, link-local, metadata and similar addresses are refused)."
            : null;
    }

    /// <summary>https only; plain http only to a loopback host where <see cref="OutboundOptions.AllowHttpToLoopback"/> (Development, tests).</summary>
    public string? SchemeError(Uri url) => url.Scheme switch
    {
        "https" => null,
        "http" when _options.AllowHttpToLoopback && (url.IsLoopback || url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) => null,
        _ => "Outbound call refused: only https URLs may be called.",
    };

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var allowed = _allowed.Contains($"{host}:{port}");
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        var usable = allowed ? addresses : [.. addresses.Where(a => !AddressGuard.IsBlocked(a))];
        if (usable.Length == 0)
        {
            throw new OutboundAddressRefusedException($"Outbound call to {host}:{port} refused: it does not resolve to a public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The addresses checked above are the ones dialled: no second resolution can swap them.
            await socket.ConnectAsync(usable, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
