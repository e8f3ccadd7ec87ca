using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.Tests.Foundation;

/// <summary>The served /openapi/v1.json describes every /api/v1 endpoint as the Host maps it.</summary>
public sealed class OpenApiDocumentTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private static readonly string[] ProblemSchemas = ["ProblemDetails", "HttpValidationProblemDetails"];

    [Fact]
    public async Task Document_reads_and_validates_without_errors_or_warnings()
    {
        var (document, diagnostic) = await OpenApiAssert.ReadAsync(factory);

        Assert.True(diagnostic.Errors.Count == 0, diagnostic.Errors.Describe());
        Assert.True(diagnostic.Warnings.Count == 0, diagnostic.Warnings.Describe());
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, errors.Describe());
    }

    [Fact]
    public async Task Every_endpoint_has_an_operation_with_exactly_its_route_parameters()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);
        var endpoints = ApiEndpoints.All(factory.Services);

        Assert.True(endpoints.Count >= 28, $"only {endpoints.Count} endpoints found");
        foreach (var endpoint in endpoints)
        {
            var operation = OpenApiAssert.Operation(document, endpoint);
            Assert.False(string.IsNullOrEmpty(operation.OperationId), $"{endpoint}: no operationId");
            Assert.False(string.IsNullOrEmpty(operation.Summary), $"{endpoint}: no summary");
            Assert.True(operation.Tags is { Count: > 0 }, $"{endpoint}: no tag");
            var declared = (operation.Parameters ?? []).Where(p => p.In == ParameterLocation.Path).ToList();
            Assert.Equal(endpoint.RouteParameters.Select(p => p.Name), declared.Select(p => p.Name));
            foreach (var parameter in declared)
            {
                Assert.True(parameter.Required, $"{endpoint}: {parameter.Name} not required");
                var bound = endpoint.RouteParameterType(parameter.Name!);
                var (type, format) = bound == typeof(Guid) ? (JsonSchemaType.String, "uuid")
                    : bound == typeof(int) ? (JsonSchemaType.Integer, "int32")
                    : bound == typeof(long) ? (JsonSchemaType.Integer, "int64")
                    : (JsonSchemaType.String, null);
                Assert.True(parameter.Schema?.Type == type && parameter.Schema.Format == format, $"{endpoint}: {parameter.Name} is {parameter.Schema?.Type} {parameter.Schema?.Format}");
            }
        }
    }

    [Fact]
    public async Task Request_bodies_have_exactly_the_properties_of_the_record_the_endpoint_binds()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            var body = OpenApiAssert.Operation(document, endpoint).RequestBody;
            if (endpoint.BodyType is not { } type)
            {
                Assert.True(body is null, $"{endpoint}: documents a body it does not read");
                continue;
            }

            var contentTypes = endpoint.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes;
            if (type == typeof(string) && !contentTypes.Contains("application/json"))
            {
                // A raw body (CSV import): documented with the content types it accepts, as text.
                Assert.True(contentTypes.All(c => body?.Content?.ContainsKey(c) == true), $"{endpoint}: body not documented as {string.Join(", ", contentTypes)}");
                Assert.All(contentTypes, c => Assert.Equal(JsonSchemaType.String, body!.Content![c].Schema!.Type));
                continue;
            }

            Assert.True(body?.Content?.ContainsKey("application/json") == true, $"{endpoint}: no JSON request body");
            OpenApiAssert.SameShape(body.Content["application/json"].Schema!, type, factory.Services, $"{endpoint} body");
        }
    }

    [Fact]
    public async Task Success_responses_have_the_status_and_properties_of_what_the_endpoint_returns()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            var responses = OpenApiAssert.Operation(document, endpoint).Responses!;
            var documented = responses.Keys.Where(k => k.StartsWith('2')).Order(StringComparer.Ordinal);
            Assert.Equal(endpoint.Successes.Select(s => s.StatusCode.Status()).Order(StringComparer.Ordinal), documented);
            foreach (var success in endpoint.Successes)
            {
                var content = responses[success.StatusCode.Status()].Content;
                if (success.Type is null || success.Type == typeof(void))
                {
                    Assert.True(content is null || content.Count == 0, $"{endpoint}: {success.StatusCode} documents a body");
                    continue;
                }

                var produced = success.ContentTypes.ToList();
                if (success.Type == typeof(string) && produced.Count > 0 && !produced.Contains("application/json"))
                {
                    // A file (CSV export, PDF): documented with the media types it is sent as.
                    Assert.True(produced.All(c => content?.ContainsKey(c) == true), $"{endpoint}: {success.StatusCode} not documented as {string.Join(", ", produced)}");
                    continue;
                }

                Assert.True(content?.ContainsKey("application/json") == true, $"{endpoint}: {success.StatusCode} has no JSON body");
                OpenApiAssert.SameShape(content["application/json"].Schema!, success.Type, factory.Services, $"{endpoint} {success.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Error_responses_follow_the_kernel_conventions()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            var responses = OpenApiAssert.Operation(document, endpoint).Responses!;
            void Lists(int status, string code, bool when)
            {
                if (when)
                {
                    Assert.True(
                        responses.TryGetValue(status.Status(), out var response) && response.Content?["application/problem+json"].Examples?.ContainsKey(code) == true,
                        $"{endpoint}: {status} {code} not documented");
                }
            }

            Lists(401, ErrorCodes.Unauthorized, when: !endpoint.IsAnonymous);
            Lists(404, ErrorCodes.NotFound, when: endpoint.IsOrgScoped || endpoint.RouteParameters.Count > 0);
            Lists(400, ErrorCodes.ValidationError, when: endpoint.BodyType is not null);
            Lists(413, ErrorCodes.PayloadTooLarge, when: endpoint.BodyType is not null);
            Lists(415, ErrorCodes.UnsupportedMediaType, when: endpoint.BodyType is not null);
            Lists(429, ErrorCodes.RateLimited, when: true);
            Lists(503, ErrorCodes.StatementTimeout, when: true);
        }
    }

    [Fact]
    public async Task Error_responses_are_problem_json_with_an_example_per_error_code()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            foreach (var (status, response) in OpenApiAssert.Operation(document, endpoint).Responses!.Where(r => r.Key[0] is '4' or '5'))
            {
                var where = $"{endpoint} {status}";
                var media = Assert.Single(response.Content!).Value;
                Assert.Equal("application/problem+json", response.Content!.Keys.Single());
                var schema = Assert.IsType<OpenApiSchemaReference>(media.Schema);
                Assert.Equal(status == "400" ? ProblemSchemas[1] : ProblemSchemas[0], schema.Reference.Id);
                Assert.True(media.Examples is { Count: > 0 }, $"{where}: no error codes");
                foreach (var (code, example) in media.Examples)
                {
                    var value = example.Value.ToJson();
                    Assert.Equal(code, value.GetProperty("error").GetString());
                    Assert.Equal(status, value.GetProperty("status").GetInt32().Status());
                    Assert.Contains(code, response.Description, StringComparison.Ordinal);
                    Assert.Equal(endpoint.Path, value.GetProperty("instance").GetString());
                }
            }
        }
    }

    [Fact]
    public async Task Problem_schema_carries_the_error_code_and_lists_every_code()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        var problem = document.Components!.Schemas!["ProblemDetails"];
        Assert.Contains("error", problem.Required!);
        var codes = problem.Properties!["error"].Enum!.Select(e => e.ToJson().GetString()).ToHashSet();
        var declared = typeof(ErrorCodes).GetFields().Select(f => (string?)f.GetRawConstantValue());
        Assert.True(codes.SetEquals(declared), string.Join(", ", codes));
        Assert.Contains(document.Components.Schemas["HttpValidationProblemDetails"].AllOf!, s => s is OpenApiSchemaReference { Reference.Id: "ProblemDetails" });
    }

    [Fact]
    public async Task Document_has_a_relative_server_and_described_tags()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        Assert.Equal("/", Assert.Single(document.Servers!).Url);
        Assert.All(document.Tags!, t => Assert.False(string.IsNullOrEmpty(t.Description), $"tag {t.Name} has no description"));
    }

    [Fact]
    public async Task Login_body_is_email_and_password_not_the_invitation_shape()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        var login = document.Paths["/api/v1/auth/login"].Operations![HttpMethod.Post];
        var schema = login.RequestBody!.Content!["application/json"].Schema!;
        Assert.Equal(["email", "password"], schema.Properties!.Keys.Order(StringComparer.Ordinal));
        var invite = document.Paths["/api/v1/orgs/{slug}/invitations"].Operations![HttpMethod.Post];
        Assert.Equal(["email", "role"], invite.RequestBody!.Content!["application/json"].Schema!.Properties!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Anonymous_operations_need_no_token_and_the_others_the_bearer_scheme()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        Assert.True(document.Components!.SecuritySchemes!.ContainsKey("Bearer"));
        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            var security = OpenApiAssert.Operation(document, endpoint).Security;
            var schemes = security?.SelectMany(r => r.Keys).Select(k => k.Reference.Id).ToList() ?? [];
            Assert.True(endpoint.IsAnonymous ? schemes.Count == 0 : schemes.SequenceEqual(["Bearer"]), $"{endpoint}: security [{string.Join(", ", schemes)}]");
        }
    }

    [Fact]
    public async Task Query_parameters_are_camel_case()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);

        var audit = document.Paths["/api/v1/orgs/{slug}/audit-logs"].Operations![HttpMethod.Get];
        Assert.Equal(
            ["slug", "cursor", "limit", "action", "actorUserId"],
            audit.Parameters!.Select(p => p.Name));
    }
}
