using Npgsql;
using NpgsqlTypes;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Writes the rows of a binary <c>COPY ... FROM STDIN</c> started by <see cref="DbSession.CopyInAsync"/>.
/// Typed values only: module code gets no Npgsql object it could run other statements with.
/// </summary>
public sealed class CopyRowWriter
{
    private readonly NpgsqlBinaryImporter _importer;
    private readonly CancellationToken _ct;

    internal CopyRowWriter(NpgsqlBinaryImporter importer, CancellationToken ct)
    {
        _importer = importer;
        _ct = ct;
    }

    public Task StartRowAsync() => _importer.StartRowAsync(_ct);

    public Task WriteAsync(Guid value) => _importer.WriteAsync(value, NpgsqlDbType.Uuid, _ct);

    public Task WriteAsync(int value) => _importer.WriteAsync(value, NpgsqlDbType.Integer, _ct);

    public Task WriteAsync(string? value) =>
        value is null ? _importer.WriteNullAsync(_ct) : _importer.WriteAsync(value, NpgsqlDbType.Text, _ct);

    public Task WriteAsync(string[]? values) =>
        values is null ? _importer.WriteNullAsync(_ct) : _importer.WriteAsync(values, NpgsqlDbType.Array | NpgsqlDbType.Text, _ct);
}
