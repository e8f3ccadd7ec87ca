using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;
using OpsDash.Tests.Jobs;

namespace OpsDash.Tests.Telemetry;

/// <summary>The depth gauges' reader: the database at most once per interval, however often metrics are collected.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class JobQueueDepthTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Depth_is_read_at_most_once_per_interval_and_a_drained_kind_reads_zero()
    {
        var clock = new ManualClock();
        var depth = new JobQueueDepth(factory.Services.GetRequiredService<JobsDataSource>(), TimeSpan.FromSeconds(15), clock, NullLogger<JobQueueDepth>.Instance);
        await factory.InsertJobAsync(null, "available", "depth.first");
        Assert.Equal(1, Pending(depth, "depth.first"));

        await factory.InsertJobAsync(null, "available", "depth.first");
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(1, Pending(depth, "depth.first"));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, Pending(depth, "depth.first"));

        await factory.ExecuteOwnerAsync("delete from jobs.jobs where kind = 'depth.first'");
        clock.Advance(TimeSpan.FromSeconds(15));
        var drained = Assert.Single(depth.Read(), d => d.Kind == "depth.first");
        Assert.Equal((0L, 0d), (drained.Pending, drained.OldestPendingSeconds));
    }

    private static long? Pending(JobQueueDepth depth, string kind) => depth.Read().SingleOrDefault(d => d.Kind == kind)?.Pending;

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
