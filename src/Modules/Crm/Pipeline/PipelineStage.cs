namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>A pipeline stage as the API returns it; stages list in <c>Position</c> order.</summary>
public sealed record PipelineStage(Guid Id, string Name, int Position, bool IsWon, bool IsLost, int Probability, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The editable fields of a stage, shared by create and update.</summary>
public interface IStageFields
{
    string Name { get; }
    int Probability { get; }
    bool IsWon { get; }
    bool IsLost { get; }
}

/// <summary>
/// How many live stages a pipeline may have: crm.check_stage_count (0067) refuses the next create with
/// 409 too_many_stages, and a reorder (which lists every stage) accepts as many ids.
/// </summary>
internal static class PipelineStageLimits
{
    public const int MaxStages = 100;
}

internal static class StageFields
{
    public const string Columns = "id, name, position, is_won, is_lost, probability::int as probability, created_at, updated_at";

    public const string EnsureSql = "select crm.ensure_pipeline_stages(@OrgId)";
}

/// <summary>What crm.pipeline_stages accepts per field; the won/lost and open-stage rules are the database's (0041).</summary>
internal sealed class StageFieldsValidator : AbstractValidator<IStageFields>
{
    public StageFieldsValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Must(n => n is null || n.Trim().Length is >= 1 and <= 100).WithMessage("Name must be 1 to 100 characters.");
        RuleFor(r => r.Probability).InclusiveBetween(0, 100);
        RuleFor(r => r.IsLost).Must((r, lost) => !(lost && r.IsWon)).WithMessage("A stage cannot be both won and lost.");
    }
}
