using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The document's <c>required</c> lists and nulls against what the endpoints accept. Every operation with
/// a JSON body has a complete sample (<see cref="RequestBodySamples"/>) that passes validation; each property
/// in it, nested records' too, is left out in turn, and sent as null where the document allows null. A
/// required property must come back 400 naming it (the problem's <c>errors</c>); any other must not.
/// </summary>
public sealed class OpenApiRequestBodyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private sealed record Property(string At, JsonObject Holder, string Name, bool Required, bool Nullable);

    [Fact]
    public async Task Required_and_nullable_properties_are_what_each_endpoint_accepts()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);
        var samples = await RequestBodySamples.CreateAsync(factory);
        var jsonBodies = ApiEndpoints.All(factory.Services)
            .Where(e => e.BodyType is not null && e.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes.Contains("application/json"))
            .Where(e => !OpenApiAnswerTests.IsSignedDelivery(e)) // free-form JSON, signed: nothing in it is required
            .Select(e => e.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(jsonBodies, samples.Select(s => s.ToString()).Order(StringComparer.Ordinal));

        var failures = new List<string>();
        var probed = 0;
        foreach (var sample in samples)
        {
            var schema = document.Paths[sample.Template].Operations![HttpMethod.Parse(sample.Method)].RequestBody!.Content!["application/json"].Schema!;
            var properties = new List<Property>();
            Collect(schema, sample.Body, string.Empty, properties, failures, sample);
            foreach (var property in properties)
            {
                var value = property.Holder[property.Name];
                property.Holder.Remove(property.Name);
                var (status, named) = await SendAsync(sample, property.At);
                property.Holder[property.Name] = value;
                if (property.Required && !(status == 400 && named))
                {
                    failures.Add($"{sample}: without {property.At}: {status}, not a 400 naming it; the document says required");
                }
                else if (!property.Required && status == 400 && named)
                {
                    failures.Add($"{sample}: without {property.At}: a 400 naming it; the document says optional");
                }

                if (property.Nullable)
                {
                    property.Holder[property.Name] = null;
                    (status, named) = await SendAsync(sample, property.At);
                    property.Holder[property.Name] = value;
                    if (status == 400 && named)
                    {
                        failures.Add($"{sample}: {property.At} null: a 400 naming it; the document says it may be null");
                    }
                }

                probed++;
            }

            // Last: a sample that succeeds may change what the next one sees (a new password, a rotated token).
            var (whole, _) = await SendAsync(sample, "body");
            if (whole == 400)
            {
                failures.Add($"{sample}: the sample itself is refused: {sample.Body.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(probed >= 190, $"only {probed} properties probed");
    }

    /// <summary>Every property of <paramref name="schema"/> (following records inside the sample) with where it is in the body.</summary>
    private static void Collect(IOpenApiSchema schema, JsonObject sample, string at, List<Property> found, List<string> failures, RequestBodySample where)
    {
        schema = OpenApiAssert.NonNull(schema);
        var documented = schema.Properties?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
        var given = sample.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (!documented.SequenceEqual(given))
        {
            failures.Add($"{where}: the sample at '{at}' has [{string.Join(", ", given)}], the document [{string.Join(", ", documented)}]");
        }

        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            var path = at + name;
            var nullable = property.Type?.HasFlag(JsonSchemaType.Null) == true || property.OneOf?.Any(b => b.Type == JsonSchemaType.Null) == true;
            found.Add(new Property(path, sample, name, schema.Required?.Contains(name) == true, nullable));
            var shape = OpenApiAssert.NonNull(property);
            switch (sample[name])
            {
                case JsonObject inner when shape.Properties is { Count: > 0 }:
                    Collect(shape, inner, path + ".", found, failures, where);
                    break;
                case JsonArray { Count: > 0 } list when list[0] is JsonObject item && shape.Items is { } items && OpenApiAssert.NonNull(items).Properties is { Count: > 0 }:
                    Collect(items, item, path + "[0].", found, failures, where);
                    break;
            }
        }
    }

    /// <summary>The status, and whether a 400 names <paramref name="at"/> (or a place inside it) among its errors.</summary>
    private static async Task<(int Status, bool Named)> SendAsync(RequestBodySample sample, string at)
    {
        using var request = new HttpRequestMessage(HttpMethod.Parse(sample.Method), sample.Path)
        {
            Content = new StringContent(sample.Body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await sample.Client.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status != 400)
        {
            return (status, false);
        }

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var named = problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject()
            .Any(e => e.Name == at || e.Name.StartsWith(at + ".", StringComparison.Ordinal) || e.Name.StartsWith(at + "[", StringComparison.Ordinal));
        return (status, named);
    }
}
