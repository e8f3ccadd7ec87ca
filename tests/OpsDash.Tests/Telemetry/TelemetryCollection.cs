namespace OpsDash.Tests.Telemetry;

/// <summary>
/// A MeterProvider listens to meters by name, so in one test process it would also see the job queue meters of other
/// classes' Hosts (disposed while it runs, which ends the shared streams). Telemetry tests therefore run alone,
/// after the parallel classes; in production one process is one Host.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
