using System.Diagnostics;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Postgresql;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>How long the script DbUp is running has taken so far; the journals record it.</summary>
internal sealed class ScriptTimer
{
    private readonly Stopwatch _stopwatch = new();

    public int ElapsedMs => (int)_stopwatch.ElapsedMilliseconds;

    public void Restart() => _stopwatch.Restart();
}

/// <summary>
/// DbUp's PostgreSQL executor, which sends a script statement by statement, plus what our runner always did:
/// time each script, and report a failure with the script's name and the line of the error in the file.
/// </summary>
internal sealed class TimedScriptExecutor(
    Func<IConnectionManager> connections, Func<IUpgradeLog> log, Func<IJournal> journal, ScriptTimer timer)
    : PostgresqlScriptExecutor(connections, log, schema: null, variablesEnabled: () => false, scriptPreprocessors: [], journal)
{
    private readonly Func<IConnectionManager> _connections = connections;

    public override void Execute(SqlScript script, IDictionary<string, string> variables)
    {
        timer.Restart();
        base.Execute(script, variables);
    }

    // No schema: DbUp would otherwise create one; ours come from the scripts.
    protected override string PreprocessScriptContents(SqlScript script, IDictionary<string, string> variables) => script.Contents;

    protected override void ExecuteCommandsWithinExceptionHandler(int index, SqlScript script, Action executeCallback)
    {
        try
        {
            executeCallback();
        }
        catch (PostgresException e)
        {
            var line = LineOf(script.Contents, _connections().SplitScriptIntoCommands(script.Contents).ToList(), index, e.Position);
            throw new MigrationException($"{script.Name} failed at line {line}: {e.MessageText}", e);
        }
    }

    /// <summary>The 1-based line in the file of PostgreSQL's 1-based position in statement <paramref name="index"/>.</summary>
    internal static int LineOf(string sql, IReadOnlyList<string> statements, int index, int position)
    {
        var start = 0;
        for (var i = 0; i <= index && i < statements.Count; i++)
        {
            var found = sql.IndexOf(statements[i], start, StringComparison.Ordinal);
            if (found < 0)
            {
                return 0;
            }

            start = i == index ? found : found + statements[i].Length;
        }

        var offset = Math.Min(sql.Length, start + Math.Max(0, position - 1));
        return sql.AsSpan(0, offset).Count('\n') + 1;
    }
}

/// <summary>DbUp's own messages at Debug: the runner logs what it applied, and reports a failure once, itself.</summary>
internal sealed class DebugUpgradeLog(ILogger logger) : IUpgradeLog
{
    public void LogTrace(string format, params object[] args) => Log(format, args);

    public void LogDebug(string format, params object[] args) => Log(format, args);

    public void LogInformation(string format, params object[] args) => Log(format, args);

    public void LogWarning(string format, params object[] args) => Log(format, args);

    public void LogError(string format, params object[] args) => Log(format, args);

    public void LogError(Exception ex, string format, params object[] args) => Log(format, args);

    private void Log(string format, object[] args)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        }
    }
}
