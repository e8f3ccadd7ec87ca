using System.Diagnostics;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// A well-known linter's default rules (Redocly CLI, "recommended") find no errors in the served document.
/// Needs Node.js 20+ with npx and the npm registry, as the machines here have; the same command is in the README.
/// </summary>
public sealed class OpenApiLintTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    public const string Redocly = "@redocly/cli@2.77.0";

    [Fact]
    public async Task Redocly_recommended_rules_find_no_errors()
    {
        var folder = Directory.CreateTempSubdirectory("opsdash-openapi-").FullName;
        var file = Path.Combine(folder, "openapi.json");
        await File.WriteAllTextAsync(file, await factory.CreateClient().GetStringAsync("/openapi/v1.json"));

        var start = new ProcessStartInfo("npx", ["--yes", Redocly, "lint", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_UPDATE_NOTIFIER"] = "1" },
        };
        using var lint = Process.Start(start) ?? throw new InvalidOperationException("npx did not start; install Node.js 20+ with npm.");
        var output = lint.StandardOutput.ReadToEndAsync();
        var errors = lint.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await lint.WaitForExitAsync(timeout.Token);

        var report = await output + await errors;
        Assert.True(lint.ExitCode == 0, report);
        Assert.Contains("Your API description is valid", report, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
