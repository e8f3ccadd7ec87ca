using System.Text;
using Npgsql;

namespace OpsDash.SharedKernel.Http;

/// <summary>
/// The request field a constraint violation is about, from the naming convention of
/// db/scripts/README.md: <c>ck_|uq_|fk_ + table + _ + column [+ __detail]</c>, e.g.
/// <c>ck_users_email</c> and <c>ck_organizations_slug__not_reserved</c> are about <c>email</c> and
/// <c>slug</c>. A NOT NULL violation names its column itself. Returned in camelCase, like request fields.
/// </summary>
internal static class ConstraintFields
{
    private static readonly string[] Prefixes = ["ck_", "uq_", "fk_"];

    public static string? Of(PostgresException pg)
    {
        if (pg.SqlState == PostgresErrorCodes.NotNullViolation && !string.IsNullOrEmpty(pg.ColumnName))
        {
            return CamelCase(pg.ColumnName);
        }

        if (pg.ConstraintName is not { } name || pg.TableName is not { } table)
        {
            return null;
        }

        foreach (var prefix in Prefixes)
        {
            var head = prefix + table + "_";
            if (name.StartsWith(head, StringComparison.Ordinal) && name.Length > head.Length)
            {
                var column = name[head.Length..];
                var detail = column.IndexOf("__", StringComparison.Ordinal);
                return CamelCase(detail < 0 ? column : column[..detail]);
            }
        }

        return null;
    }

    private static string CamelCase(string snake)
    {
        var builder = new StringBuilder(snake.Length);
        var upper = false;
        foreach (var c in snake)
        {
            if (c == '_')
            {
                upper = builder.Length > 0;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }
}
