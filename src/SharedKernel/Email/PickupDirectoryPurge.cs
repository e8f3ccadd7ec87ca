using Microsoft.Extensions.Logging;

namespace OpsDash.SharedKernel.Email;

/// <summary>
/// Deletes picked-up emails older than <c>Email:PickupRetentionDays</c>: they hold sign-up and invitation
/// links with one-time tokens. Each Host purges its own directory (schedule <see cref="ScheduleName"/>);
/// only <c>*.eml</c> files directly in it are touched, and <c>*.eml.tmp</c> ones a crash left half-written.
/// </summary>
public sealed partial class PickupDirectoryPurge(string directory, TimeSpan keep, TimeProvider time, ILogger logger)
{
    public const string ScheduleName = "purge_mail_pickup";

    public const string Cron = "0 25 * * * ?";

    public string Directory => directory;

    /// <summary>Returns how many files it deleted.</summary>
    public int Run()
    {
        var folder = new DirectoryInfo(directory);
        if (!folder.Exists)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - keep;
        var deleted = 0;
        foreach (var file in folder.EnumerateFiles("*.eml*", SearchOption.TopDirectoryOnly))
        {
            if (!IsMail(file.Name) || file.LastWriteTimeUtc >= cutoff)
            {
                continue;
            }

            try
            {
                file.Delete();
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogNotDeleted(logger, file.Name, e.Message);
            }
        }

        if (deleted > 0)
        {
            LogPurged(logger, deleted, directory);
        }

        return deleted;
    }

    private static bool IsMail(string name) =>
        name.EndsWith(".eml", StringComparison.Ordinal) || name.EndsWith(PickupDirectoryEmailSender.PartialSuffix, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} picked-up emails older than the retention from {Directory}")]
    private static partial void LogPurged(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete picked-up email {File}: {Reason}")]
    private static partial void LogNotDeleted(ILogger logger, string file, string reason);
}
