using System.Collections.Concurrent;
using System.Diagnostics;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Bench.JobsDrain;

/// <summary>The benchmark's job: does nothing, so its unit of work opens no connection (DbSession is lazy).</summary>
public sealed record NoopJob(long N) : IJobArgs
{
    public static string Kind => "bench.noop";
}

/// <summary>Counts runs and, for the latency samples, records when each job started.</summary>
public sealed class NoopHandler : IJobHandler<NoopJob>
{
    private static int _count;
    private static TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int _target = int.MaxValue;

    public static ConcurrentDictionary<long, long> StartedAt { get; } = new();

    public static int Count => Volatile.Read(ref _count);

    /// <summary>Completes when <paramref name="target"/> jobs have run since this call.</summary>
    public static Task ExpectAsync(int target)
    {
        _allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _target, target);
        return _allDone.Task;
    }

    public Task HandleAsync(NoopJob args, CancellationToken ct)
    {
        StartedAt[args.N] = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _target))
        {
            _allDone.TrySetResult();
        }

        return Task.CompletedTask;
    }
}

/// <summary>The fairness figure's flood: a job that takes <see cref="Millis"/> ms, as a real job waits on its database or a remote server.</summary>
public sealed record FloodJob(long N) : IJobArgs
{
    public static string Kind => "bench.flood";

    public static int Millis { get; set; } = 5;
}

public sealed class FloodHandler : IJobHandler<FloodJob>
{
    public Task HandleAsync(FloodJob args, CancellationToken ct) => Task.Delay(FloodJob.Millis, ct);
}
