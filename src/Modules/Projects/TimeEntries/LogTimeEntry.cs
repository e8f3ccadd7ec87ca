namespace OpsDash.Modules.Projects.TimeEntries;

/// <summary>createTaskTimeEntry (Pro): minutes on a live task by the caller, with a date, billable flag, hourly rate and note.</summary>
internal static class LogTimeEntry
{
    public sealed record Request(int Minutes, DateOnly? EntryDate, bool? Billable, decimal? HourlyRate, string? Currency, string? Note);

    public sealed record TimeEntry(
        Guid Id, Guid TaskId, Guid ProjectId, Guid? UserId, int Minutes, DateOnly EntryDate, bool Billable, decimal? HourlyRate,
        string Currency, decimal Amount, string? Note, DateTime CreatedAt);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Minutes).InclusiveBetween(1, 1440).WithMessage("Minutes must be 1 to 1440 (one day).");
            RuleFor(r => r.HourlyRate).InclusiveBetween(0m, 9_999_999_999.99m).Must(r => r is null || decimal.Round(r.Value, 2) == r)
                .WithMessage("hourlyRate must be 0 or more with at most two decimal places.");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").WithMessage("Currency must be an ISO 4217 code such as EUR.");
            RuleFor(r => r.Note).MaximumLength(2000);
            RuleFor(r => r.EntryDate).Must(d => d is null || d <= DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1))
                .WithMessage("entryDate must not be in the future.");
        }
    }

    internal sealed record Row(
        Guid Id, Guid TaskId, Guid ProjectId, Guid? UserId, int Minutes, string EntryDate, bool Billable, decimal? HourlyRate,
        string Currency, decimal Amount, string? Note, DateTime CreatedAt)
    {
        public TimeEntry Entry => new(Id, TaskId, ProjectId, UserId, Minutes, Values.Date(EntryDate)!.Value, Billable, HourlyRate, Currency, Amount, Note, CreatedAt);
    }

    internal const string Columns = """
        e.id, e.task_id, e.project_id, e.user_id, e.minutes, e.entry_date::text as entry_date, e.billable, e.hourly_rate, e.currency,
        v.amount, e.note, e.created_at
        """;

    private const string InsertSql = """
        insert into projects.time_entries (org_id, id, project_id, task_id, user_id, minutes, entry_date, billable, hourly_rate, currency, note)
        select t.org_id, @Id, t.project_id, t.id, @UserId, @Minutes, coalesce(@EntryDate::date, current_date), @Billable, @HourlyRate, @Currency, @Note
          from projects.tasks t
          join projects.projects p on p.org_id = t.org_id and p.id = t.project_id and p.deleted_at is null
         where t.org_id = @OrgId and t.id = @TaskId and t.deleted_at is null
        """;

    private const string GetSql = "select " + Columns + """
          from projects.time_entries e
          join projects.time_entry_values v on v.org_id = e.org_id and v.id = e.id
         where e.org_id = @OrgId and e.id = @Id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/tasks/{taskId:guid}/time-entries", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("projects:time_tracking")
            .Validate<Request>()
            .WithName("LogTimeEntry")
            .WithSummary("Log time on a task (Pro): minutes, date, billable, hourly rate; amount = billable minutes x rate, to the cent.");

    private static async Task<Created<TimeEntry>> HandleAsync(
        Guid taskId, Request request, OrgContext org, TenantContext tenant, DbSession db, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var inserted = await db.ExecuteAsync(
            InsertSql,
            new
            {
                OrgId = org.Id, Id = id, TaskId = taskId, tenant.UserId, request.Minutes, EntryDate = Values.DateText(request.EntryDate),
                Billable = request.Billable ?? true, request.HourlyRate, Currency = request.Currency ?? "USD",
                Note = Values.OptionalText(request.Note),
            },
            ct);
        if (inserted == 0)
        {
            throw new NotFoundException("Task not found.");
        }

        var entry = (await db.QuerySingleAsync<Row>(GetSql, new { OrgId = org.Id, Id = id }, ct)).Entry;
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/tasks/{taskId}/time-entries", entry);
    }
}
