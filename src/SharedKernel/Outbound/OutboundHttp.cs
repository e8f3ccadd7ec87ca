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
        _allowed = new HashSet<string>(options.AllowedEndpoints.Select(e => e.Trim()), StringComparer.OrdinalIgnoreCase);
        _options = options;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        _client = CreateClient();
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

    /// <summary>Sends the request and buffers the answer (at most <see cref="OutboundOptions.MaxResponseBytes"/>).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);

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
