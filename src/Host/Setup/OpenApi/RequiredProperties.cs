using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using OpsDash.SharedKernel.Validation;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// Which properties a request body must carry, as the endpoints decide it. A property is required when
/// its type says it always holds a value (a non-nullable reference or <see cref="JsonElement"/>), or when
/// the validator the endpoint runs reports it missing once it is left out, whatever the other properties
/// hold ("one of a or b" makes neither required). Records inside a body are probed through it
/// (<c>{"items": [{}]}</c>). Types no request body reaches (responses) are not listed.
/// </summary>
internal sealed class RequiredProperties(IServiceProvider services, IApiDescriptionGroupCollectionProvider descriptions, IOptions<JsonOptions> json)
{
    private const int MaxDepth = 5;
    private readonly Lazy<Task<IReadOnlyDictionary<Type, IReadOnlySet<string>>>> _required = new(() => Task.Run(() => ProbeAllAsync(services, descriptions, json.Value.SerializerOptions)));

    /// <summary>The JSON names of the properties <paramref name="type"/> requires, or null when no request body reaches it.</summary>
    public async Task<IReadOnlySet<string>?> ForAsync(Type type) => (await _required.Value).GetValueOrDefault(type);

    private static async Task<IReadOnlyDictionary<Type, IReadOnlySet<string>>> ProbeAllAsync(
        IServiceProvider services, IApiDescriptionGroupCollectionProvider descriptions, JsonSerializerOptions options)
    {
        var bodies = descriptions.ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .SelectMany(d => d.ParameterDescriptions)
            .Where(p => p.Source == BindingSource.Body && SchemaNames.For(p.Type) is not null)
            .Select(p => p.Type)
            .Distinct();
        var found = new Dictionary<Type, HashSet<string>>();
        foreach (var body in bodies)
        {
            var validator = (IValidator?)services.GetService(typeof(IValidator<>).MakeGenericType(body));
            await new Probe(body, validator, options, found).VisitAsync(body, [], 0);
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value);
    }

    /// <summary>A property whose type promises a value: required whatever a validator says.</summary>
    private static bool Declared(JsonPropertyInfo property) =>
        !property.IsSetNullable && (!property.PropertyType.IsValueType || property.PropertyType == typeof(JsonElement));

    private sealed class Probe(Type body, IValidator? validator, JsonSerializerOptions options, Dictionary<Type, HashSet<string>> found)
    {
        /// <summary><paramref name="path"/>: the properties (and whether each is a list) leading from the body to <paramref name="type"/>.</summary>
        public async Task VisitAsync(Type type, IReadOnlyList<(string Name, bool List)> path, int depth)
        {
            var contract = options.GetTypeInfo(type);
            var properties = contract.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).ToList();
            var required = properties.Where(Declared).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (validator is not null)
            {
                var missing = await ReportedAsync(Wrap(path, new JsonObject()), path);
                foreach (var property in properties.Where(p => missing.Contains(p.Name)))
                {
                    // At the top, a rule that another property can satisfy is no requirement of this one.
                    if (path.Count > 0 || (await ReportedAsync(Filled(properties, property), path)).Contains(property.Name))
                    {
                        required.Add(property.Name);
                    }
                }
            }

            // A record reached from several bodies requires only what all of them require.
            found[type] = found.TryGetValue(type, out var earlier) ? [.. earlier.Intersect(required)] : required;
            if (depth >= MaxDepth)
            {
                return;
            }

            foreach (var property in properties)
            {
                if (Nested(property.PropertyType) is { } nested)
                {
                    await VisitAsync(nested.Type, [.. path, (property.Name, nested.List)], depth + 1);
                }
            }
        }

        /// <summary>A record inside the body, alone or as the items of a list.</summary>
        private (Type Type, bool List)? Nested(Type type)
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            return info.Kind switch
            {
                JsonTypeInfoKind.Object when SchemaNames.For(info.Type) is not null => (info.Type, false),
                JsonTypeInfoKind.Enumerable when info.ElementType is { } element && SchemaNames.For(element) is not null
                                                 && options.GetTypeInfo(element).Kind == JsonTypeInfoKind.Object => (element, true),
                _ => null,
            };
        }

        /// <summary>The names, at <paramref name="path"/>, of the properties the validator reports for <paramref name="json"/>.</summary>
        private async Task<HashSet<string>> ReportedAsync(JsonObject json, IReadOnlyList<(string Name, bool List)> path)
        {
            object? instance;
            try
            {
                instance = json.Deserialize(body, options);
            }
            catch (JsonException)
            {
                return [];
            }

            var context = (IValidationContext)Activator.CreateInstance(typeof(ValidationContext<>).MakeGenericType(body), instance)!;
            var result = await validator!.ValidateAsync(context);
            var prefix = string.Concat(path.Select(p => p.Name + (p.List ? "[0]" : string.Empty) + "."));
            return result.Errors
                .Select(e => ValidationFilter<object>.ToCamelCase(e.PropertyName))
                .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(name => name[prefix.Length..].Split('.', '[')[0])
                .ToHashSet(StringComparer.Ordinal);
        }

        private static JsonObject Wrap(IReadOnlyList<(string Name, bool List)> path, JsonObject inner)
        {
            JsonNode node = inner;
            foreach (var (name, list) in path.Reverse())
            {
                node = new JsonObject { [name] = list ? new JsonArray(node) : node };
            }

            return (JsonObject)node;
        }

        /// <summary>Every property but <paramref name="left"/> given a value of its type.</summary>
        private JsonObject Filled(IEnumerable<JsonPropertyInfo> properties, JsonPropertyInfo left)
        {
            var json = new JsonObject();
            foreach (var property in properties.Where(p => p != left))
            {
                if (Sample(property.PropertyType) is { } value)
                {
                    json[property.Name] = value;
                }
            }

            return json;
        }

        private JsonNode? Sample(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type switch
            {
                _ when type == typeof(string) => "x",
                _ when type == typeof(bool) => true,
                _ when type == typeof(Guid) => Guid.NewGuid().ToString(),
                _ when type == typeof(DateOnly) => "2000-01-01",
                _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => "2000-01-01T00:00:00Z",
                _ when type == typeof(JsonElement) => new JsonObject(),
                _ when type.IsPrimitive || type == typeof(decimal) => 1,
                _ => options.GetTypeInfo(type).Kind switch
                {
                    JsonTypeInfoKind.Enumerable => new JsonArray(),
                    JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => new JsonObject(),
                    _ => null,
                },
            };
        }
    }
}
