using System.Diagnostics;

namespace OpsDash.Modules.Crm.Quotes.Pdf;

/// <summary>
/// When a render must stop: its time is up (<see cref="TimeoutException"/>) or the client went away
/// (<see cref="OperationCanceledException"/>). The time is read from the clock at each check, not left to a
/// timer: timer callbacks run on the thread pool, which renders keep busy exactly when a deadline matters.
/// </summary>
internal sealed class RenderDeadline(TimeSpan timeout, CancellationToken aborted)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public TimeSpan Timeout => timeout;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Check()
    {
        aborted.ThrowIfCancellationRequested();
        if (Elapsed > timeout)
        {
            throw new TimeoutException($"Rendering took longer than {timeout}.");
        }
    }
}
