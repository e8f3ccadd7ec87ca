using Npgsql;

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>
/// updateOrganization: name, slug and logo. Omitted (or null) fields stay as they are; an empty
/// logoUrl removes the logo. Audits the fields that actually changed, with old and new values.
/// </summary>
internal static class UpdateOrganization
{
    public sealed record Request(string? Name, string? Slug, string? LogoUrl);

    public sealed record Response(Guid Id, string Name, string Slug, string Type, string? LogoUrl, DateTime UpdatedAt);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).OrgName().When(r => r.Name is not null);
            RuleFor(r => r.Slug).OrgSlug();
            RuleFor(r => r.LogoUrl).LogoUrl();
        }
    }

    private sealed record Row(Guid Id, string Name, string Slug, string Type, string? LogoUrl, DateTime UpdatedAt);

    private const string CurrentSql = """
        select id, name, slug, type, logo_url, updated_at
          from organizations.organizations
         where id = @OrgId and deleted_at is null
           for update
        """;

    private const string UpdateSql = """
        update organizations.organizations
           set name = @Name, slug = @Slug, logo_url = @LogoUrl
         where id = @Id and deleted_at is null
        returning id, name, slug, type, logo_url, updated_at
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPatch(string.Empty, HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("UpdateOrganization")
            .WithSummary("Rename the organization, change its slug or logo (owners and admins).");

    private static async Task<Ok<Response>> HandleAsync(Request request, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        var current = await db.QuerySingleOrDefaultAsync<Row>(CurrentSql, new { OrgId = org.Id }, ct)
            ?? throw new NotFoundException("Organization not found.");
        var wanted = current with
        {
            Name = request.Name?.Trim() ?? current.Name,
            Slug = request.Slug ?? current.Slug,
            LogoUrl = request.LogoUrl is null ? current.LogoUrl : request.LogoUrl.Length == 0 ? null : request.LogoUrl,
        };

        var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
        AddChange(changes, "name", current.Name, wanted.Name);
        AddChange(changes, "slug", current.Slug, wanted.Slug);
        AddChange(changes, "logoUrl", current.LogoUrl, wanted.LogoUrl);
        if (changes.Count == 0)
        {
            return TypedResults.Ok(ToResponse(current));
        }

        Row updated;
        try
        {
            updated = await db.QuerySingleAsync<Row>(UpdateSql, wanted, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "uq_organizations_slug")
        {
            throw new ConflictException($"The slug \"{wanted.Slug}\" is already taken.", "slug_taken");
        }

        await audit.WriteAsync("organization.updated", "organization", org.Id, new { changes }, ct);
        return TypedResults.Ok(ToResponse(updated));
    }

    private static void AddChange(Dictionary<string, object?> changes, string field, string? from, string? to)
    {
        if (!string.Equals(from, to, StringComparison.Ordinal))
        {
            changes[field] = new { from, to };
        }
    }

    private static Response ToResponse(Row row) => new(row.Id, row.Name, row.Slug, row.Type, row.LogoUrl, row.UpdatedAt);
}
