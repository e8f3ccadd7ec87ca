using System.Globalization;

namespace OpsDash.Tests.Telemetry;

/// <summary>Samples of a Prometheus text exposition, by metric name and some of their labels.</summary>
public static class PrometheusText
{
    /// <summary>The values of the samples named <paramref name="name"/> that carry every one of <paramref name="labels"/>.</summary>
    public static IReadOnlyList<double> Values(string text, string name, params (string Key, string Value)[] labels) =>
        [.. text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : line.IndexOf(' '))..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))];

    /// <summary>The metric names in the exposition (from its # TYPE lines).</summary>
    public static IReadOnlyList<string> Names(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])];
}
