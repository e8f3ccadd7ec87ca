using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>A job as <c>jobs.claim</c> returns it; <see cref="Waited"/>: how long it had been due when claimed.</summary>
internal sealed record ClaimedJob(long Id, string Kind, string Args, Guid? OrgId, int Attempt, int MaxAttempts, TimeSpan Waited)
{
    public string Queue { get; init; } = "";

    /// <summary>When this worker received it (Stopwatch ticks): the claim delay adds the time it waited here for a slot.</summary>
    public long ClaimedAt { get; init; }
}

/// <summary>
/// One queue inside a <see cref="JobWorker"/>: a claimer that keeps up to Concurrency + prefetch jobs
/// claimed, and Concurrency slots that run them. Claims are batched: the claimer claims again only
/// when half of that room is free (or nothing is held), never one job per freed slot. The prefetch
/// doubles (up to its cap) when a slot found nothing to run right after a full claim, and returns to
/// its base when a claim finds the queue drained.
/// </summary>
internal sealed class JobLane
{
    public delegate Task<IReadOnlyList<ClaimedJob>> Claim(string queue, int limit);

    private readonly Claim _claim;
    private readonly Func<ClaimedJob, Task> _run;
    private readonly TimeSpan _pollInterval;
    private readonly int _basePrefetch;
    private readonly int _prefetchCap;
    private readonly Channel<ClaimedJob> _buffer = Channel.CreateUnbounded<ClaimedJob>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<long, bool> _held = new();
    private int _heldCount;
    private int _notified;
    private int _prefetch;
    private int _lastClaimFull;
    private int _starved;
    private Task _slots = Task.CompletedTask;

    public JobLane(string queue, JobQueueOptions options, TimeSpan pollInterval, Claim claim, Func<ClaimedJob, Task> run)
    {
        Queue = queue;
        Concurrency = options.Concurrency;
        _basePrefetch = options.BasePrefetch;
        _prefetchCap = options.PrefetchCap;
        _prefetch = _basePrefetch;
        _pollInterval = pollInterval;
        _claim = claim;
        _run = run;
    }

    public string Queue { get; }

    public int Concurrency { get; }

    /// <summary>Claimed by this lane and not yet finished or handed back: running or waiting for a slot.</summary>
    public ICollection<long> HeldIds => _held.Keys;

    private int Capacity => Concurrency + Volatile.Read(ref _prefetch);

    /// <summary>Completes when every slot has stopped: after <c>stop</c>, once the jobs they started have ended.</summary>
    public Task Slots => _slots;

    /// <summary>A job of this queue became due (NOTIFY), or the listener (re)connected.</summary>
    public void Notify()
    {
        Volatile.Write(ref _notified, 1);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Starts the slots and claims until <paramref name="stop"/>; then slots start nothing new.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        _slots = Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(() => SlotAsync(stop), CancellationToken.None)));
        return ClaimLoopAsync(stop);
    }

    /// <summary>After <c>stop</c>: the claimed jobs no slot has started, now no longer held here, to hand back.</summary>
    public IReadOnlyList<long> TakeUnstarted()
    {
        var ids = new List<long>();
        while (_buffer.Reader.TryRead(out var job))
        {
            ids.Add(job.Id);
            Release(job.Id);
        }

        return ids;
    }

    private async Task ClaimLoopAsync(CancellationToken stop)
    {
        // The last claim found fewer due jobs than it asked for: wait for a notification or the poll.
        var drained = false;
        var nextPoll = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _notified, 0) == 1 || Stopwatch.GetElapsedTime(nextPoll) >= TimeSpan.Zero)
            {
                drained = false;
            }

            if (Interlocked.Exchange(ref _starved, 0) == 1 && Volatile.Read(ref _lastClaimFull) == 1)
            {
                Volatile.Write(ref _prefetch, Math.Min(_prefetchCap, Math.Max(1, _prefetch * 2)));
            }

            var held = Volatile.Read(ref _heldCount);
            var room = Capacity - held;
            if (!drained && room > 0 && (room >= Batch(Capacity) || held == 0))
            {
                nextPoll = Stopwatch.GetTimestamp() + (long)(_pollInterval.TotalSeconds * Stopwatch.Frequency);
                var jobs = await _claim(Queue, room);
                Interlocked.Add(ref _heldCount, jobs.Count);
                foreach (var job in jobs)
                {
                    _held[job.Id] = true;
                    _buffer.Writer.TryWrite(job);
                }

                drained = jobs.Count < room;
                Volatile.Write(ref _lastClaimFull, drained ? 0 : 1);
                if (drained)
                {
                    Volatile.Write(ref _prefetch, _basePrefetch);
                }

                continue;
            }

            // Poll due but no room: wait for slots to free it.
            var untilPoll = -Stopwatch.GetElapsedTime(nextPoll);
            await WaitAsync(untilPoll > TimeSpan.Zero ? untilPoll : _pollInterval, stop);
        }
    }

    private async Task WaitAsync(TimeSpan untilPoll, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(untilPoll);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SlotAsync(CancellationToken stop)
    {
        var reader = _buffer.Reader;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (reader.TryRead(out var job))
                {
                    try
                    {
                        await _run(job);
                    }
                    finally
                    {
                        Release(job.Id);
                    }

                    continue;
                }

                // Idle while the queue had more: the prefetch was too small for these jobs.
                Volatile.Write(ref _starved, 1);
                if (!await reader.WaitToReadAsync(stop))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Release(long id)
    {
        _held.TryRemove(id, out _);
        var held = Interlocked.Decrement(ref _heldCount);
        var capacity = Capacity;
        // Wake the claimer only when a batch's worth of room is free, not once per finished job.
        if (capacity - held >= Batch(capacity) || held == 0)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    private static int Batch(int capacity) => Math.Max(1, capacity / 2);
}
