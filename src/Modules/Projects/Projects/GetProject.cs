using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Projects.Projects;

/// <summary>
/// A project with its task counts and progress, and what it has earned: the billable value of its time
/// entries per currency next to the value of its linked deal (time-to-revenue), the deal read through
/// CRM's contract.
/// </summary>
internal static class GetProject
{
    public sealed record TaskCounts(int Total, int Open, int Done, int Overdue);

    public sealed record Money(string Currency, decimal Amount);

    public sealed record Revenue(int BillableMinutes, int TotalMinutes, IReadOnlyList<Money> Billable, DealSummary? Deal);

    public sealed record Response(Project Project, TaskCounts Tasks, decimal Progress, Revenue Revenue);

    private const string GetSql = ProjectFields.Select + " where p.org_id = @OrgId and p.id = @Id and p.deleted_at is null";

    private const string CountsSql = """
        select count(*)::int as total,
               count(*) filter (where status not in ('done', 'cancelled'))::int as open,
               count(*) filter (where status = 'done')::int as done,
               count(*) filter (where status not in ('done', 'cancelled') and due_date < current_date)::int as overdue
          from projects.tasks
         where org_id = @OrgId and project_id = @Id and deleted_at is null
        """;

    private const string MinutesSql = """
        select coalesce(sum(minutes) filter (where billable), 0)::int as billable_minutes, coalesce(sum(minutes), 0)::int as total_minutes
          from projects.time_entry_values
         where org_id = @OrgId and project_id = @Id
        """;

    private const string BillableSql = """
        select currency, sum(amount) as amount
          from projects.time_entry_values
         where org_id = @OrgId and project_id = @Id and amount > 0
         group by currency
         order by currency
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/projects/{projectId:guid}", HandleAsync)
            .WithName("GetProject")
            .WithSummary("A project with task counts, progress (done / all tasks), billable time and its linked deal's value.");

    private static async Task<Ok<Response>> HandleAsync(Guid projectId, OrgContext org, DbSession db, ICrmDirectory crm, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = projectId };
        var project = (await db.QuerySingleOrDefaultAsync<ProjectFields.Row>(GetSql, args, ct) ?? throw new NotFoundException("Project not found.")).Project;
        var counts = await db.QuerySingleAsync<TaskCounts>(CountsSql, args, ct);
        var (billableMinutes, totalMinutes) = await db.QuerySingleAsync<(int, int)>(MinutesSql, args, ct);
        var billable = (await db.QueryAsync<Money>(BillableSql, args, ct)).ToList();
        var deal = project.DealId is { } dealId ? await crm.FindDealAsync(dealId, ct) : null;
        var progress = counts.Total == 0 ? 0m : decimal.Round((decimal)counts.Done / counts.Total, 4);
        return TypedResults.Ok(new Response(project, counts, progress, new Revenue(billableMinutes, totalMinutes, billable, deal)));
    }
}
