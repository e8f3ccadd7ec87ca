using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OpsDash.Tests.Email;

public enum FakeSmtpTls
{
    /// <summary>Plain text; STARTTLS is not offered.</summary>
    None,

    /// <summary>Plain text, STARTTLS offered.</summary>
    StartTls,

    /// <summary>TLS from the first byte, as on port 465.</summary>
    Implicit,
}

/// <summary>
/// A real SMTP server on loopback: records each message's envelope and its DATA, as a relay would receive them.
/// Plain and without AUTH unless asked; with TLS it presents <see cref="Certificate"/>, self-signed for 127.0.0.1.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly FakeSmtpTls _tls;
    private readonly (string User, string Password)? _login;

    /// <param name="tls">What TLS it speaks.</param>
    /// <param name="login">When set, offers AUTH PLAIN and accepts these credentials only.</param>
    public FakeSmtpServer(FakeSmtpTls tls = FakeSmtpTls.None, (string User, string Password)? login = null)
    {
        _tls = tls;
        _login = login;
        Certificate = tls == FakeSmtpTls.None ? null : SelfSigned();
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public X509Certificate2? Certificate { get; }

    /// <summary>The credentials of every AUTH, as the server decoded them.</summary>
    public ConcurrentQueue<(string User, string Password)> Logins { get; } = new();

    /// <summary>Every command's verb (EHLO, STARTTLS, AUTH, MAIL, ...), in the order received.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    private readonly Lock _rejecting = new();
    private (string Containing, int Times, string Reply) _reject = (string.Empty, 0, string.Empty);

    /// <summary>Answers the DATA of the next <paramref name="times"/> messages containing <paramref name="containing"/> with <paramref name="reply"/> (by default a 451, try again later), as a relay under load would.</summary>
    public void Reject(string containing, int times, string reply = "451 Try again later")
    {
        lock (_rejecting)
        {
            _reject = (containing, times, reply);
        }
    }

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _stalls = new();

    /// <summary>Messages containing <paramref name="containing"/> get no answer to their DATA until <see cref="Release"/>, as a hung relay.</summary>
    public void Stall(string containing) => _stalls[containing] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string containing)
    {
        if (_stalls.TryRemove(containing, out var stall))
        {
            stall.TrySetResult();
        }
    }

    /// <summary>How many messages are waiting on a stall now.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    private int _stalled;

    private async Task StallAsync(string data)
    {
        foreach (var (containing, stall) in _stalls)
        {
            if (data.Contains(containing, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _stalled);
                try
                {
                    await stall.Task.WaitAsync(_stop.Token);
                }
                finally
                {
                    Interlocked.Decrement(ref _stalled);
                }
            }
        }
    }

    private string? Rejects(string data)
    {
        lock (_rejecting)
        {
            if (_reject.Times <= 0 || !data.Contains(_reject.Containing, StringComparison.Ordinal))
            {
                return null;
            }

            _reject.Times--;
            return _reject.Reply;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        Certificate?.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await ConverseAsync(client.GetStream());
        }
        catch (Exception e) when (e is IOException or AuthenticationException or ObjectDisposedException or OperationCanceledException)
        {
            // The client hung up, gave up waiting, or refused the certificate.
        }
    }

    private async Task ConverseAsync(Stream stream)
    {
        var tls = _tls == FakeSmtpTls.Implicit;
        if (tls)
        {
            stream = await StartTlsAsync(stream);
        }

        var (reader, writer) = Open(stream);
        await writer.WriteLineAsync("220 fake.smtp.test ESMTP");
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            Commands.Enqueue(verb);
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-fake.smtp.test");
                    if (_tls == FakeSmtpTls.StartTls && !tls)
                    {
                        await writer.WriteLineAsync("250-STARTTLS");
                    }

                    if (_login is not null)
                    {
                        await writer.WriteLineAsync("250-AUTH PLAIN");
                    }

                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "STARTTLS" when _tls == FakeSmtpTls.StartTls && !tls:
                    await writer.WriteLineAsync("220 Ready to start TLS");
                    stream = await StartTlsAsync(stream);
                    tls = true;
                    (reader, writer) = Open(stream);
                    break;
                case "AUTH" when _login is { } login:
                    // AUTH PLAIN [initial response]: base64 of "\0user\0password".
                    var parts = line.Split(' ');
                    if (parts.Length < 3)
                    {
                        await writer.WriteLineAsync("334 ");
                    }

                    var response = parts.Length >= 3 ? parts[2] : await reader.ReadLineAsync() ?? string.Empty;
                    var plain = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                    var given = (plain[^2], plain[^1]);
                    Logins.Enqueue(given);
                    await writer.WriteLineAsync(given == login ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                    break;
                case "MAIL":
                    from = Address(line);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(Address(line));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        // Undo dot-stuffing.
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }

                    await StallAsync(data.ToString());
                    if (Rejects(data.ToString()) is { } reply)
                    {
                        to.Clear();
                        await writer.WriteLineAsync(reply);
                        break;
                    }

                    Received.Enqueue(new ReceivedMail(from ?? string.Empty, [.. to], data.ToString(), tls));
                    to.Clear();
                    await writer.WriteLineAsync("250 Queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                case "STARTTLS" or "AUTH":
                    await writer.WriteLineAsync("502 5.5.1 Not offered");
                    break;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    private static (StreamReader Reader, StreamWriter Writer) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.ASCII), new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true });

    private async Task<Stream> StartTlsAsync(Stream plain)
    {
        var tls = new SslStream(plain);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate }, _stop.Token);
        return tls;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake.smtp.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // A PFX round trip gives SslStream a certificate whose private key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }

    private static string Address(string line) => line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
}

/// <summary>One accepted message; <paramref name="OverTls"/>: the session was encrypted when it was sent.</summary>
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> RcptTo, string Data, bool OverTls = false);
