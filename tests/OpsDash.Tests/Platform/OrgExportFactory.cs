using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsDash.Tests.Platform;

/// <summary>The Host with exports in a folder of their own, and its error log kept for failure messages.</summary>
public sealed class OrgExportFactory : OpsDashFactory
{
    public OrgExportFactory() => Set("Platform:Exports:Directory", Path.Combine(Path.GetTempPath(), $"opsdash-exports-test-{Guid.NewGuid():N}"));

    public CapturedLogs Logs { get; } = new();

    public string Errors() => "\n" + string.Join("\n", Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).TakeLast(3));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Logs)));
    }
}
