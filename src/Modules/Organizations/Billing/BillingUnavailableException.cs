namespace OpsDash.Modules.Organizations.Billing;

/// <summary>Stripe is not configured here, or did not answer: 503, nothing changed; try again later.</summary>
public sealed class BillingUnavailableException(string detail)
    : AppException(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "Billing unavailable", detail);
