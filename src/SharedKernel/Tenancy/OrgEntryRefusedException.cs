using Microsoft.AspNetCore.Http;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Tenancy;

/// <summary>
/// A deferred org entry (ADR 0025) was refused: the slug is no longer a live org of the caller, or no longer the org
/// the Host remembered for it. <see cref="OrgScopeFilter"/> forgets the org id and enters the slow way; should it
/// escape, it is the 404 the slow way would give.
/// </summary>
internal sealed class OrgEntryRefusedException()
    : AppException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Not found", "Organization not found.");
