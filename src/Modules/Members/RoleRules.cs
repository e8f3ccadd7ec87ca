namespace OpsDash.Modules.Members;

internal static class RoleRules
{
    public static IRuleBuilderOptions<T, string> ValidRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Must(r => OrgRoles.All.Contains(r)).WithMessage("Role must be one of owner, admin, member, viewer.");
}
