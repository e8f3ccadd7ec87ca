using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OpsDash.Host.Setup.OpenApi;

namespace OpsDash.Tests.Foundation;

public sealed class SchemaNameTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public void A_slice_record_is_named_after_its_slice()
    {
        Assert.Equal("SchemaNameTestsAbc", SchemaNames.For(typeof(Abc)));
        Assert.Equal("SchemaNameTestsABC", SchemaNames.For(typeof(A.BC)));
        Assert.Null(SchemaNames.For(typeof(Abc[])));
        Assert.Null(SchemaNames.For(typeof(JsonElement)));
    }

    [Fact]
    public void Two_types_claiming_one_name_fail_instead_of_sharing_a_schema()
    {
        var names = new SchemaNames();

        Assert.Equal("SchemaNameTestsABC", names.ReferenceId(Info(typeof(A.BC))));
        Assert.Equal("SchemaNameTestsABC", names.ReferenceId(Info(typeof(A.BC))));
        var e = Assert.Throws<InvalidOperationException>(() => names.ReferenceId(Info(typeof(AB.C))));
        Assert.Contains("SchemaNameTestsABC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_type_the_api_reads_or_writes_has_its_own_schema_in_the_document()
    {
        var (document, _) = await OpenApiAssert.ReadAsync(factory);
        var types = new HashSet<Type>();
        foreach (var endpoint in ApiEndpoints.All(factory.Services))
        {
            foreach (var type in endpoint.Successes.Select(s => s.Type).Append(endpoint.BodyType).OfType<Type>().Where(t => t != typeof(void)))
            {
                Collect(type, types);
            }
        }

        var named = types.Select(t => (Type: t, Name: SchemaNames.For(t))).Where(t => t.Name is not null).ToList();
        Assert.True(named.Count >= 25, $"only {named.Count} named types");
        foreach (var group in named.GroupBy(t => t.Name, StringComparer.Ordinal))
        {
            Assert.True(group.Count() == 1, $"{group.Key}: {string.Join(", ", group.Select(g => g.Type.FullName))}");
            Assert.True(document.Components!.Schemas!.ContainsKey(group.Key!), $"{group.Key} missing from components");
        }

        void Collect(Type type, HashSet<Type> seen)
        {
            var contract = ApiEndpoints.JsonContract(factory.Services, type);
            if (!seen.Add(type))
            {
                return;
            }

            if (contract.Kind == JsonTypeInfoKind.Enumerable)
            {
                Collect(contract.ElementType!, seen);
            }

            foreach (var property in contract.Kind == JsonTypeInfoKind.Object ? contract.Properties : [])
            {
                Collect(property.PropertyType, seen);
            }
        }
    }

    private static JsonTypeInfo Info(Type type) => JsonSerializerOptions.Web.GetTypeInfo(type);

    private sealed record Abc(int X);

    private static class A
    {
        public sealed record BC(int X);
    }

    private static class AB
    {
        public sealed record C(int X);
    }
}
