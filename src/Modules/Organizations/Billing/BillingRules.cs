namespace OpsDash.Modules.Organizations.Billing;

/// <summary>Who may pay: the owner of a personal org (its one member). A team org is paid by its billing owner.</summary>
internal static class BillingRules
{
    public const string PaidByBillingOwner = "paid_by_billing_owner";

    public static void RequirePersonalOrg(OrgInfo org)
    {
        if (!org.IsPersonal)
        {
            var conflict = new ConflictException(
                "A team workspace takes the plan of its billing owner's personal subscription; the billing owner pays from their personal workspace.",
                PaidByBillingOwner);
            conflict.Extensions["billingOwnerUserId"] = org.BillingOwnerUserId;
            throw conflict;
        }
    }

    public static Uri AppUrl(Uri publicUrl, string slug, string query) =>
        new($"{publicUrl.ToString().TrimEnd('/')}/org/{Uri.EscapeDataString(slug)}/settings/billing{query}");
}
