using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The runner before DbUp (docs/adr/0001-migrations-with-dbup.md), kept as the reference the new one is held to:
/// every script of a flat folder in ordinal name order, each sent whole in its own transaction together with its
/// row (name, SHA-256, duration) in migrations.journal. It knows nothing of re-appliable files.
/// </summary>
public static class OldMigrationRunner
{
    public static async Task MigrateAsync(string ownerConnectionString, string folder)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("""
            create schema if not exists migrations;
            create table if not exists migrations.journal (
                script_name text primary key,
                checksum    text        not null,
                applied_at  timestamptz not null default now(),
                duration_ms integer     not null
            );
            """);
        foreach (var file in Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var sql = (await File.ReadAllTextAsync(file)).Replace("\r\n", "\n", StringComparison.Ordinal);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, commandTimeout: 0));
            await connection.ExecuteAsync(
                "insert into migrations.journal (script_name, checksum, duration_ms) values (@Name, @checksum, 0)",
                new { Name = Path.GetFileName(file), checksum }, transaction);
            await transaction.CommitAsync();
        }
    }
}
