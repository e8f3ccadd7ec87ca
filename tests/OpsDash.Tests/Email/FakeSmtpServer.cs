using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace OpsDash.Tests.Email;

/// <summary>A real SMTP server on loopback (plain, no AUTH): records each message's envelope and its DATA, as a relay would receive them.</summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FakeSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<ReceivedMail> Received { get; } = new();

    private readonly Lock _rejecting = new();
    private (string Containing, int Times) _reject = (string.Empty, 0);

    /// <summary>Answers the DATA of the next <paramref name="times"/> messages containing <paramref name="containing"/> with a 451 (try again later), as a relay under load would.</summary>
    public void Reject(string containing, int times)
    {
        lock (_rejecting)
        {
            _reject = (containing, times);
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

    private bool Rejects(string data)
    {
        lock (_rejecting)
        {
            if (_reject.Times <= 0 || !data.Contains(_reject.Containing, StringComparison.Ordinal))
            {
                return false;
            }

            _reject.Times--;
            return true;
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
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake.smtp.test ESMTP");
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-fake.smtp.test");
                    await writer.WriteLineAsync("250 8BITMIME");
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
                    if (Rejects(data.ToString()))
                    {
                        to.Clear();
                        await writer.WriteLineAsync("451 Try again later");
                        break;
                    }

                    Received.Enqueue(new ReceivedMail(from ?? string.Empty, [.. to], data.ToString()));
                    to.Clear();
                    await writer.WriteLineAsync("250 Queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    private static string Address(string line) => line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
}

public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> RcptTo, string Data);
