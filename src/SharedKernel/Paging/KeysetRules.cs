using FluentValidation;

namespace OpsDash.SharedKernel.Paging;

public static class KeysetRules
{
    /// <summary>The cursor is one the list returned as nextCursor for the request's sort (<see cref="KeysetList{TRow}.Parse"/>).</summary>
    public static IRuleBuilderOptions<T, string?> NextCursorOf<T>(this IRuleBuilder<T, string?> rule, Func<T, KeysetRequest> page) =>
        rule.Must((query, _) => !page(query).CursorRejected).WithMessage(query => page(query).RejectionMessage);
}
