namespace OpsDash.Modules.Projects.TimeEntries;

/// <summary>A live task's time entries (newest first, up to 500) with its totals: minutes, billable minutes, amount per currency.</summary>
internal static class ListTaskTimeEntries
{
    public const int Max = 500;

    public sealed record Money(string Currency, decimal Amount);

    public sealed record Response(IReadOnlyList<LogTimeEntry.TimeEntry> Items, int TotalMinutes, int BillableMinutes, IReadOnlyList<Money> Billable);

    private const string TaskSql = """
        select 1 from projects.tasks t
          join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
         where t.org_id = @OrgId and t.id = @TaskId and t.deleted_at is null
        """;

    private const string ListSql = "select " + LogTimeEntry.Columns + """
          from projects.time_entries e
          join projects.time_entry_values v on v.org_id = e.org_id and v.id = e.id
         where e.org_id = @OrgId and e.task_id = @TaskId and e.deleted_at is null
         order by e.entry_date desc, e.id desc
         limit @Max
        """;

    private const string TotalsSql = """
        select coalesce(sum(minutes), 0)::int as total, coalesce(sum(minutes) filter (where billable), 0)::int as billable
          from projects.time_entry_values where org_id = @OrgId and task_id = @TaskId
        """;

    private const string MoneySql = """
        select currency, sum(amount) as amount from projects.time_entry_values
         where org_id = @OrgId and task_id = @TaskId and amount > 0
         group by currency order by currency
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/tasks/{taskId:guid}/time-entries", HandleAsync)
            .WithName("ListTaskTimeEntries")
            .WithSummary("A task's time entries (newest first, up to 500) and its totals.");

    private static async Task<Ok<Response>> HandleAsync(Guid taskId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, TaskId = taskId, Max };
        if (await db.QuerySingleOrDefaultAsync<int?>(TaskSql, args, ct) is null)
        {
            throw new NotFoundException("Task not found.");
        }

        var items = (await db.QueryAsync<LogTimeEntry.Row>(ListSql, args, ct)).Select(r => r.Entry).ToList();
        var (total, billable) = await db.QuerySingleAsync<(int, int)>(TotalsSql, args, ct);
        var money = (await db.QueryAsync<Money>(MoneySql, args, ct)).ToList();
        return TypedResults.Ok(new Response(items, total, billable, money));
    }
}
