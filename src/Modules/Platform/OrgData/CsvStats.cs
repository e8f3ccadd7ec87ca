using System.Security.Cryptography;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// Bytes, records and SHA-256 of a CSV file as it streams past: a record ends at a line feed outside quotes
/// (a doubled quote inside a quoted cell toggles twice, so the count stays right). Works on UTF-8 bytes.
/// </summary>
internal sealed class CsvStats : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _inQuotes;

    public long Bytes { get; private set; }

    public long Records { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        Bytes += bytes.Length;
        foreach (var b in bytes)
        {
            if (b == (byte)'"')
            {
                _inQuotes = !_inQuotes;
            }
            else if (b == (byte)'\n' && !_inQuotes)
            {
                Records++;
            }
        }
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
