namespace OpsDash.Host.Setup.OpenApi;

/// <summary>The OpenAPI document at /openapi/v1.json: names, parameters and responses as the API really behaves.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddOpsDashOpenApi(this IServiceCollection services) =>
        services.AddSingleton<RequiredProperties>().AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = new SchemaNames().ReferenceId;
            options.AddSchemaTransformer<StringSchemas>();
            options.AddSchemaTransformer<FreeFormJsonSchemas>();
            options.AddSchemaTransformer<PresenceSchemas>();
            options.AddOperationTransformer<OperationConventions>();
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            options.AddDocumentTransformer<ProblemSchemas>();
        });
}
