using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Organizations.Workspaces;

internal static class WorkspaceRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var orgs = api.MapGroup("/orgs").WithTag("Organizations", "Workspaces: create, settings, plan, feature flags, audit log, and my memberships.").RequireAuthorization();
        CreateOrganization.Map(orgs);

        var me = api.MapGroup("/me").WithTags("Organizations").RequireAuthorization();
        GetUserDefaultOrg.Map(me);
        GetUserOrganizations.Map(me);
        SwitchCurrentOrg.Map(me);

        var org = api.MapOrgGroup().WithTags("Organizations");
        GetOrganization.Map(org);
        UpdateOrganization.Map(org);
        DeleteOrganization.Map(org);
        LeaveOrganization.Map(org);
        ListAuditLogs.Map(org);
        GetPlan.Map(org);
        GetFeatureAccess.Map(org);
        ListFeatures.Map(org);
        ListFeatureFlags.Map(org);
        UpdateFeatureFlag.Map(org);
        GetBillingOwner.Map(org);
        RequestBillingOwnerTransfer.Map(org);
        AcceptBillingOwnerTransfer.Map(org);
        EndBillingOwnerTransfer.Map(org);
    }
}
