using System.Text.RegularExpressions;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Platform;

/// <summary>bench/dashboard.sh explains the statements the dashboard sends: its copies must be those statements.</summary>
public sealed partial class DashboardBenchSqlTests
{
    [Theory]
    [InlineData("src/Modules/Crm/Insights/CrmInsights.cs", "bench/sql/dashboard-crm.sql")]
    [InlineData("src/Modules/Projects/Insights/ProjectsInsights.cs", "bench/sql/dashboard-projects.sql")]
    public void The_bench_copy_is_the_statement_in_the_code(string source, string copy)
    {
        var root = RepositoryRoot.Find();
        var code = File.ReadAllText(Path.Combine(root, source));
        var match = DashboardSql().Match(code);
        Assert.True(match.Success, $"no DashboardSql in {source}");
        var lines = match.Groups[1].Value.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        var indent = lines.Min(l => l.Length - l.TrimStart().Length);
        var expected = string.Join('\n', lines.Select(l => l[indent..].TrimEnd()));

        var actual = string.Join('\n', File.ReadAllLines(Path.Combine(root, copy)).Where(l => !l.StartsWith("--", StringComparison.Ordinal) && l.Trim().Length > 0).Select(l => l.TrimEnd()));

        Assert.Equal(expected, actual);
    }

    [GeneratedRegex("const string DashboardSql = \"\"\"\\s*\\n(.*?)\\n\\s*\"\"\";", RegexOptions.Singleline)]
    private static partial Regex DashboardSql();
}
