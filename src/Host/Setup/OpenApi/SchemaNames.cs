using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace OpsDash.Host.Setup.OpenApi;

/// <summary>
/// The one place that names component schemas. A slice's nested records are named after the slice
/// (<c>SignUp.Request</c> is <c>SignUpRequest</c>, <c>GetMembers.Member</c> is <c>GetMembersMember</c>),
/// so every slice can call its records Request and Response without sharing one schema.
/// </summary>
internal sealed class SchemaNames
{
    private readonly ConcurrentDictionary<string, Type> _claimed = new(StringComparer.Ordinal);

    /// <summary>The schema name of an OpsDash type, or null for types the framework names (and primitives).</summary>
    public static string? For(Type type)
    {
        if (type.Namespace?.StartsWith("OpsDash.", StringComparison.Ordinal) != true || type.IsGenericType || type.HasElementType)
        {
            return null;
        }

        return type.DeclaringType is { } outer ? (For(outer) ?? outer.Name) + type.Name : type.Name;
    }

    /// <summary>
    /// For <see cref="OpenApiOptions.CreateSchemaReferenceId"/>. Two distinct types asking for one name
    /// would silently share a schema (the first one's shape), so that fails the document instead.
    /// </summary>
    public string? ReferenceId(JsonTypeInfo info)
    {
        // Free-form JSON is described where it is used (an object, or any value): no shared schema.
        if ((Nullable.GetUnderlyingType(info.Type) ?? info.Type) == typeof(System.Text.Json.JsonElement))
        {
            return null;
        }

        var name = For(info.Type) ?? OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        if (name is null)
        {
            return null;
        }

        var owner = _claimed.GetOrAdd(name, info.Type);
        return owner == info.Type
            ? name
            : throw new InvalidOperationException($"Schema name '{name}' would be shared by {owner.FullName} and {info.Type.FullName}; rename one.");
    }
}
