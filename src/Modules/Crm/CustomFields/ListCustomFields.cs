namespace OpsDash.Modules.Crm.CustomFields;

/// <summary>The org's custom field definitions, which a company's <c>metadata</c> is checked against.</summary>
internal static class ListCustomFields
{
    public sealed record Field(Guid Id, string Entity, string Key, string Label, string FieldType, string[] Options, bool Required, DateTime CreatedAt);

    private const string ListSql = """
        select id, entity, key, label, field_type, options, required, created_at
          from crm.custom_fields
         where org_id = @OrgId
         order by entity, key
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/custom-fields", HandleAsync)
            .WithName("ListCustomFields")
            .WithSummary("Custom field definitions of the organization (company metadata).");

    private static async Task<Ok<List<Field>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await db.QueryAsync<Field>(ListSql, new { OrgId = org.Id }, ct)).ToList());
}
