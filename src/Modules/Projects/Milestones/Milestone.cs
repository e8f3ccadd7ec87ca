namespace OpsDash.Modules.Projects.Milestones;

/// <summary>A milestone with its progress: done tasks / all live tasks in it (0 with no tasks).</summary>
public sealed record Milestone(
    Guid Id, Guid ProjectId, string Name, string? Description, DateOnly? DueDate, DateTime? CompletedAt,
    int TaskCount, int DoneCount, decimal Progress, DateTime CreatedAt);

internal static class MilestoneFields
{
    public const string Select = """
        select m.id, m.project_id, m.name, m.description, m.due_date::text as due_date, m.completed_at,
               coalesce(c.total, 0) as task_count, coalesce(c.done, 0) as done_count, m.created_at
          from projects.milestones m
          left join lateral (
              select count(*)::int as total, count(*) filter (where t.status = 'done')::int as done
                from projects.tasks t
               where t.org_id = m.org_id and t.project_id = m.project_id and t.milestone_id = m.id and t.deleted_at is null) c on true
          join projects.projects p on p.org_id = m.org_id and p.id = m.project_id and p.deleted_at is null
        """;

    internal sealed record Row(
        Guid Id, Guid ProjectId, string Name, string? Description, string? DueDate, DateTime? CompletedAt, int TaskCount, int DoneCount, DateTime CreatedAt)
    {
        public Milestone Milestone => new(
            Id, ProjectId, Name, Description, Values.Date(DueDate), CompletedAt, TaskCount, DoneCount,
            TaskCount == 0 ? 0m : decimal.Round((decimal)DoneCount / TaskCount, 4), CreatedAt);
    }

    public const string GetSql = Select + " where m.org_id = @OrgId and m.id = @Id and m.deleted_at is null";
}

/// <summary>The editable fields of a milestone.</summary>
public sealed record MilestoneRequest(string Name, string? Description, DateOnly? DueDate);

internal sealed class MilestoneValidator : AbstractValidator<MilestoneRequest>
{
    public MilestoneValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 200).WithMessage("Name must be 1 to 200 characters.");
        RuleFor(r => r.Description).MaximumLength(5000);
    }
}
