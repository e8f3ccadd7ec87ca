using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Npgsql reports a text[] column's field type as <see cref="Array"/>, so Dapper cannot match it to a
/// <c>string[]</c> record constructor parameter on its own (e.g. <c>FeatureStatus.AllowedRoles</c>).
/// </summary>
internal sealed class StringArrayTypeHandler : SqlMapper.TypeHandler<string[]>
{
    public override void SetValue(IDbDataParameter parameter, string[]? value)
    {
        parameter.Value = (object?)value ?? DBNull.Value;
        if (parameter is NpgsqlParameter npgsql)
        {
            npgsql.NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text;
        }
    }

    public override string[]? Parse(object value) => value switch
    {
        string[] strings => strings,
        Array array => array.Cast<object?>().Select(v => v?.ToString()!).ToArray(),
        _ => throw new DataException($"Cannot read {value.GetType()} as string[]."),
    };
}
