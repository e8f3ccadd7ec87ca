namespace OpsDash.Modules.Crm.CustomFields;

/// <summary>Defines a custom field (owners and admins). Existing rows are checked against it on their next write.</summary>
internal static class CreateCustomField
{
    private static readonly string[] Types = ["text", "number", "boolean", "date", "select"];

    public sealed record Request(string Key, string Label, string FieldType, IReadOnlyList<string>? Options, bool? Required, string? Entity);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Key).NotEmpty().Matches("^[a-z][a-z0-9_]{0,62}$").WithMessage("Key must be lower-case letters, digits and _, starting with a letter, at most 63.");
            RuleFor(r => r.Label).NotEmpty().MaximumLength(200);
            RuleFor(r => r.FieldType).Must(t => Types.Contains(t)).WithMessage($"fieldType must be one of {string.Join(", ", Types)}.");
            RuleFor(r => r.Options).Must(o => o is null || (o.Count <= 100 && o.All(x => x is { Length: >= 1 and <= 200 })))
                .WithMessage("At most 100 options of 1 to 200 characters.");
            RuleFor(r => r.Options).Must(o => o is { Count: > 0 }).When(r => r.FieldType == "select").WithMessage("A select field needs options.");
            RuleFor(r => r.Entity).Must(e => e is null or "company").WithMessage("entity must be company.");
        }
    }

    private const string InsertSql = """
        insert into crm.custom_fields (org_id, id, entity, key, label, field_type, options, required)
        values (@OrgId, @Id, @Entity, @Key, @Label, @FieldType, @Options, @Required)
        returning id, entity, key, label, field_type, options, required, created_at
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/custom-fields", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // uq_custom_fields_key
            .WithName("CreateCustomField")
            .WithSummary("Define a custom field for company metadata (owners and admins).");

    private static async Task<Created<ListCustomFields.Field>> HandleAsync(Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var field = await db.QuerySingleAsync<ListCustomFields.Field>(
            InsertSql,
            new
            {
                OrgId = org.Id, Id = Guid.CreateVersion7(), Entity = request.Entity ?? "company", request.Key, Label = request.Label.Trim(),
                request.FieldType, Options = request.Options?.ToArray() ?? [], Required = request.Required ?? false,
            },
            ct);
        await audit.WriteAsync("custom_field.created", "custom_field", field.Id, new { field.Key }, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/custom-fields/{field.Id}", field);
    }
}
