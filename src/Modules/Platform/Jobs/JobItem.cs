namespace OpsDash.Modules.Platform.Jobs;

/// <summary>
/// A job as org admins and operators see it. Never its args: they are ids today but may carry
/// sealed secrets (an email's link), and nobody needs them to decide to retry or discard.
/// </summary>
public sealed record JobItem(
    long Id, string Kind, string Queue, string State, short Priority, int Attempt, int MaxAttempts,
    DateTime RunAt, string? LastError, DateTime? AttemptedAt, DateTime? FinishedAt, DateTime CreatedAt);

internal static class JobStates
{
    public const string Available = "available";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Retryable = "retryable";
    public const string Dead = "dead";
    public const string Cancelled = "cancelled";

    /// <summary>Every state of <c>jobs.jobs</c>, in the order a job moves through them.</summary>
    public static readonly IReadOnlyList<string> All = [Available, Running, Retryable, Completed, Dead, Cancelled];
}
