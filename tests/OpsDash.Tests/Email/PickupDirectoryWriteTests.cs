using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using OpsDash.SharedKernel.Email;

namespace OpsDash.Tests.Email;

/// <summary>Issue 18: the pickup directory's <c>.eml</c> files are written by MimeKit, each complete before it has its name.</summary>
public sealed partial class PickupDirectoryWriteTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "opsdash-mail-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Each_email_is_one_eml_file_named_by_a_guid_with_CRLF_lines_both_bodies_and_its_Message_ID()
    {
        var sender = new PickupDirectoryEmailSender(new EmailOptions(), _directory);
        var id = Guid.NewGuid();

        await sender.SendAsync(new EmailMessage("ada@example.test", "First", "Line one\nLine two", "<p>Hi</p>") { OrgName = "Acme", MessageId = id }, CancellationToken.None);
        await sender.SendAsync(new EmailMessage("bob@example.test", "Second", "Text", "<p>Hi</p>"), CancellationToken.None);

        var files = Directory.GetFiles(_directory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Matches(GuidEmlRegex(), Path.GetFileName(f)));
        var raw = files.Select(File.ReadAllText).Single(t => t.Contains("ada@example.test", StringComparison.Ordinal));
        Assert.DoesNotMatch(BareLineFeedRegex(), raw);
        var mail = MailText.Parse(raw);
        Assert.Equal("Acme via OpsDash", mail.FromName);
        Assert.Equal("First", mail.Header("Subject"));
        Assert.Equal($"<{id:N}@opsdash.local>", mail.Header("Message-ID"));
        Assert.Equal("Line one\r\nLine two", mail.Text.TrimEnd());
        Assert.Equal("<p>Hi</p>", mail.Html.TrimEnd());
    }

    [Fact]
    public async Task An_eml_name_only_ever_appears_by_renaming_a_complete_file()
    {
        Directory.CreateDirectory(_directory);
        var events = new ConcurrentQueue<(WatcherChangeTypes Change, string Name)>();
        using var watcher = new FileSystemWatcher(_directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Created += (_, e) => events.Enqueue((e.ChangeType, e.Name!));
        watcher.Changed += (_, e) => events.Enqueue((e.ChangeType, e.Name!));
        watcher.Renamed += (_, e) => events.Enqueue((e.ChangeType, e.Name!));
        watcher.EnableRaisingEvents = true;
        var sender = new PickupDirectoryEmailSender(new EmailOptions(), _directory);

        await sender.SendAsync(new EmailMessage("ada@example.test", "Watched", new string('x', 200_000), "<p>Hi</p>"), CancellationToken.None);

        var clock = Stopwatch.StartNew();
        while (!events.Any(e => e.Change == WatcherChangeTypes.Renamed))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), string.Join(", ", events));
            await Task.Delay(20);
        }

        await Task.Delay(200); // any late event of the same write
        var seen = events.ToList();
        var eml = Path.GetFileName(Assert.Single(Directory.GetFiles(_directory)));
        Assert.Equal((WatcherChangeTypes.Renamed, eml), Assert.Single(seen, e => e.Name.EndsWith(".eml", StringComparison.Ordinal)));
        Assert.Contains((WatcherChangeTypes.Created, eml + ".tmp"), seen);
    }

    [Fact]
    public async Task A_write_that_is_cancelled_leaves_no_file_behind()
    {
        var sender = new PickupDirectoryEmailSender(new EmailOptions(), _directory);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            sender.SendAsync(new EmailMessage("ada@example.test", "Cancelled", "Text", "<p>Hi</p>"), cancelled.Token));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.eml$")]
    private static partial Regex GuidEmlRegex();

    [GeneratedRegex("(?<!\r)\n")]
    private static partial Regex BareLineFeedRegex();
}
